// The text reports, in the book's words, and the --json document.
import type { DownloadSummary } from "../flags/download-many.ts";
import { readCountryCodes } from "../flags/country-codes.ts";
import type { FlagResult, RetryNote } from "../flags/flag-result.ts";
import type { ServerChoice } from "../flags/servers.ts";

export interface SiteInfo {
  server: ServerChoice;
  /** The flag server was started inside this process because nothing was listening. */
  startedHere: boolean;
}

export function initialReport(
  { server, startedHere }: SiteInfo,
  codes: readonly string[],
  concurrency: number,
): string {
  const note = startedHere ? ` (started here: nothing was listening on port ${server.local?.port})` : "";
  const which = codes.length <= 10 ? codes.join(", ") : `from ${codes[0]} to ${codes.at(-1)}`;
  const connections =
    concurrency === 1 ? "1 connection will be used." : `${concurrency} concurrent connections will be used.`;
  return [
    `${server.label} site: ${server.url}${note}`,
    `Searching for ${codes.length} flag${plural(codes.length)}: ${which}`,
    connections,
  ].join("\n");
}

export function finalReport({ counts, elapsedMs, interrupted, stopped }: DownloadSummary): string {
  const lines = ["-".repeat(20), `${pad(counts.ok)} flag${plural(counts.ok)} downloaded.`];
  if (counts.notFound) lines.push(`${pad(counts.notFound)} not found.`);
  if (counts.error) lines.push(`${pad(counts.error)} error${plural(counts.error)}.`);
  // Codes never tried: the user cancelled them, or the run stopped by itself before them.
  if (counts.cancelled)
    lines.push(`${pad(counts.cancelled)} ${interrupted ? "cancelled" : "not attempted"}.`);
  if (stopped && !interrupted) lines.push(`Stopped: ${stopped}`);
  lines.push(`Elapsed time: ${(elapsedMs / 1000).toFixed(2)}s`);
  return lines.join("\n");
}

/** For -v: "BR attempt 1 failed (HTTP 503 Service Unavailable); retry 1 of 3 in 1.0s". */
export function retryLine({ cc, attempt, of, reason, waitMs }: RetryNote): string {
  return `${cc} attempt ${attempt} failed (${reason}); retry ${attempt} of ${of} in ${(waitMs / 1000).toFixed(1)}s`;
}

/** One line per code for --verbose: "BR ok", "XX not found", "YY error: <reason>". */
export function verboseLine(result: FlagResult): string | undefined {
  switch (result.status) {
    case "ok":
      if (result.existing) return `${result.cc} ok (kept the file already there)`;
      return result.replaced ? `${result.cc} ok (replaced ${result.replaced})` : `${result.cc} ok`;
    case "not_found":
      return `${result.cc} not found`;
    case "error":
      return `${result.cc} error: ${result.error}`;
    case "cancelled":
      return undefined;
  }
}

/** Advice when the failures say the server is not there at all, or is not a flag server. */
export function hints({ server }: SiteInfo, summary: DownloadSummary): string[] {
  const unreachable = summary.results.find(
    (r) => r.status === "error" && /^(connection refused|host not found)/.test(r.error ?? ""),
  );
  if (unreachable) {
    const how = server.local ? "start it with `futures serve`" : "check the URL or start a flag server there";
    return [
      `hint: nothing answered at ${server.url} (${unreachable.error}); ${how}, or choose another --server`,
    ];
  }
  // 404 for codes that are countries, and for nothing else: the flags are not there.
  const { results } = summary;
  if (results.length > 0 && results.every((r) => r.status === "not_found")) {
    const countries = new Set(readCountryCodes());
    if (results.some((r) => countries.has(r.cc))) {
      const url = `${server.url}/br/br.gif`;
      return [`hint: every code was 404 Not Found: the URL is probably wrong (a flag should be at ${url})`];
    }
  }
  return [];
}

export function jsonReport(site: SiteInfo, summary: DownloadSummary): string {
  const document = {
    server: { label: site.server.label, url: site.server.url, startedHere: site.startedHere },
    executor: summary.executor,
    concurrency: summary.concurrency,
    codes: summary.results.length,
    counts: summary.counts,
    interrupted: summary.interrupted,
    ...(summary.stopped !== undefined && { stopped: summary.stopped }),
    elapsedMs: round(summary.elapsedMs),
    results: summary.results.map((result) => ({ ...result, elapsedMs: round(result.elapsedMs) })),
  };
  return JSON.stringify(document, null, 2);
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}

function pad(n: number): string {
  return String(n).padStart(3);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
