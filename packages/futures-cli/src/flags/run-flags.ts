// `futures flags`: check the command line, make sure a server is there, download with a
// progress view, report, and turn the outcome into an exit status.
import { parseFlagsArgs, type FlagsCliOptions } from "./args.ts";
import { downloadMany, type DownloadSummary } from "./download-many.ts";
import { ensureLocalServer, type LocalServer } from "./local-server.ts";
import { createProgressView, type ProgressMode } from "./progress.ts";
import { finalReport, hints, initialReport, jsonReport, type SiteInfo } from "./report.ts";
import { prepareDestination } from "./save-flag.ts";

export interface FlagsIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Exit statuses: 0 all settled without error, 1 some error, 130 interrupted by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** Run the command; returns its exit status. Usage errors throw UsageError. */
export async function runFlags(
  ccArgs: readonly string[],
  options: FlagsCliOptions,
  { stdout, stderr, env }: FlagsIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const settings = parseFlagsArgs(ccArgs, options, env);
  const { codes, json, verbose } = settings;
  let { server } = settings;
  // A folder that cannot be written is known before anything is printed or started.
  await prepareDestination(settings.dest);
  let local: LocalServer | undefined;
  if (server.local) {
    const { label, host, port } = server.local;
    local = await ensureLocalServer(label, host, port, server.url);
    server = { ...server, url: local.url };
  }
  try {
    const site: SiteInfo = { server, startedHere: local?.startedHere ?? false };
    if (!json) stdout.write(`${initialReport(site, codes, settings.concurrency)}\n`);
    const mode: ProgressMode = verbose ? "verbose" : settings.progress && stderr.isTTY ? "bar" : "none";
    const view = createProgressView(mode, codes.length, verbose && !json ? stdout : stderr);
    const summary = await withInterrupt((signal) =>
      downloadMany(codes, {
        baseUrl: server.url,
        dest: settings.dest,
        executor: settings.executor,
        concurrency: settings.concurrency,
        retries: settings.retries,
        timeout: settings.timeoutMs,
        overwrite: settings.overwrite,
        signal,
        onResult: (result) => view.update(result),
      }),
    ).finally(() => view.stop());
    stdout.write(`${json ? jsonReport(site, summary) : finalReport(summary)}\n`);
    for (const hint of hints(site, summary)) stderr.write(`${hint}\n`);
    return exitStatus(summary);
  } finally {
    await local?.close();
  }
}

function exitStatus(summary: DownloadSummary): number {
  if (summary.interrupted) return EXIT_INTERRUPTED;
  return summary.counts.error > 0 ? 1 : 0;
}

/**
 * Run `work` with a signal that the first Ctrl-C aborts: pending downloads are cancelled,
 * those in flight aborted, and the report of what was done still prints. A second Ctrl-C
 * quits at once.
 */
async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
