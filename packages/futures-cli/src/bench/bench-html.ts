// The self-contained HTML report of `futures bench`: tables and inline SVG charts, no scripts,
// nothing fetched, so it opens from a file anywhere. Each section holds its table and then its
// charts; tables scroll in their own box and charts scale to the width, so a phone reads it too.
import os from "node:os";
import type { BenchOptions } from "./bench-measure.ts";
import type { BenchRow } from "./bench-summary.ts";
import type { DownloadRow } from "./download-bench.ts";
import { downloadsFigure, speedupFigures, startupFigure, timeFigures } from "./bench-charts.ts";
import { byteSize } from "../common/byte-size.ts";
import { escapeHtml } from "../common/html-escape.ts";
import { downloadTable } from "./download-bench.ts";
import { noisyCases, startupTable, suiteTable } from "./bench-summary.ts";
import { tableHtml, type ReportTable } from "./report-table.ts";

export function benchHtml(
  rows: readonly BenchRow[],
  options: BenchOptions,
  date = new Date(),
  downloads?: readonly DownloadRow[],
): string {
  const kinds = [...new Set(rows.map((row) => row.kind))];
  const speedups = speedupFigures(rows, kinds);
  const startup = startupFigure(rows, kinds);
  const noisy = noisyCases(rows);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>futures bench: CPU-bound work on processes, threads and the event loop</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1180px; color: #222; padding: 0 1rem; }
  .table { overflow-x: auto; margin: 1rem 0; }
  table { border-collapse: collapse; }
  th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
  th.text, td.text { text-align: left; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); gap: 1.5rem 1rem; margin: 1rem 0; }
  figure { margin: 0; }
  figure svg { display: block; width: 100%; height: auto; border: 1px solid #eee; background: #fff; }
  figcaption { font-size: 0.9rem; color: #444; margin-top: 0.4rem; }
  .meta { color: #555; }
  .note { background: #fff6e0; border-left: 4px solid #e0a100; padding: 0.5rem 0.8rem; }
  @media (max-width: 600px) {
    body { margin: 1rem auto; }
    table { font-size: 0.9rem; }
    th, td { padding: 0.3rem 0.5rem; }
  }
</style>
</head>
<body>
<h1>CPU-bound work on futures executors</h1>
<p class="meta">${escapeHtml(date.toISOString())} &middot; ${escapeHtml(os.cpus()[0]?.model ?? "unknown CPU")} &middot;
${os.availableParallelism()} cores &middot; Node.js ${escapeHtml(process.version)}</p>
<p>The book's table 17-1 for this machine. RC4: ${options.jobs} jobs, middle size ${byteSize(options.arcfourSize)}, each
encrypted and decrypted with 20 key-schedule loops. SHA-256: ${options.jobs} jobs of ${byteSize(options.shaSize)}.
Median of ${options.runs} run${options.runs === 1 ? "" : "s"}; each run is timed on a pool whose workers are already
running, and the start-up of that pool is reported on its own. <em>async</em> runs every job on the event loop,
like Python threads under the GIL: more of its workers cannot go faster, so a speedup shown for it is the noise of
a shared machine. Every median comes with the fastest and slowest run (min-max in the tables, whiskers in the
charts).</p>
<h2>Time and speedup</h2>
${table(suiteTable(rows))}
${noisy.length > 0 ? noiseNote(noisy) : ""}
${
  speedups.length === 0
    ? `<p class="note">No speedup chart: every executor ran with one worker only (--workers 1), so there is nothing to compare one worker with.</p>`
    : ""
}
${charts([...speedups, ...timeFigures(rows, kinds, options)])}
<h2>Pool start-up</h2>
<p>From creating the pool until every worker has run a no-op. Workers start in parallel, so the one-worker row is
the cost of one worker and the others are the wall time for all of them.</p>
${table(startupTable(rows))}
${startup ? charts([startup]) : ""}
${downloads ? downloadSection(downloads) : ""}
</body>
</html>
`;
}

function downloadSection(downloads: readonly DownloadRow[]): string {
  return `<h2>Downloads</h2>
<p>The book's other comparison: <code>futures flags -e</code> (676 codes: 194 flags, 482 not found) against a LOCAL
flag server in another process, on each executor at its default concurrency.</p>
${table(downloadTable(downloads))}
${charts([downloadsFigure(downloads)])}`;
}

/** A table in a box of its own that scrolls sideways on a narrow screen, so the page never does. */
function table(model: ReportTable): string {
  return `<div class="table">\n${tableHtml(model)}\n</div>`;
}

function charts(figures: readonly string[]): string {
  return `<div class="charts">\n${figures.join("\n")}\n</div>`;
}

function noiseNote(cases: readonly string[]): string {
  return `<div class="note"><p>The spread of the runs is larger than the effect (marked * in the table) for:</p>
<ul>${cases.map((text) => `<li>${escapeHtml(text)}</li>`).join("")}</ul>
<p>Read these as no measurable change; more <code>--runs</code> on a quieter machine can tell.</p></div>`;
}
