// The self-contained HTML report of `futures bench`: tables and inline SVG charts, no scripts,
// nothing fetched, so it opens from a file anywhere.
import os from "node:os";
import type { BenchOptions } from "./bench-measure.ts";
import { SUITES } from "./bench-measure.ts";
import type { BenchRow } from "./bench-summary.ts";
import type { DownloadRow } from "./download-bench.ts";
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { barChart, lineChart, type BarGroup, type LineSeries } from "./svg-chart.ts";
import { escapeHtml } from "../common/html-escape.ts";
import { downloadTable } from "./download-bench.ts";
import { noisyCases, startupTable, suiteTable } from "./bench-summary.ts";
import { tableHtml } from "./report-table.ts";

const KIND_COLORS: Record<CpuExecutorName, string> = {
  processes: "#1f6fb4",
  threads: "#2a9d3f",
  async: "#d1495b",
  queue: "#7b5ea7",
};
const WORKER_COLORS = [
  "#8fb8de",
  "#3a7dc9",
  "#1d4e89",
  "#f4a259",
  "#bc4b51",
  "#5b8e7d",
  "#8e6c8a",
  "#6c757d",
];
const SUITE_DASH: Record<string, string | undefined> = { RC4: undefined, "SHA-256": "6 4" };

export function benchHtml(
  rows: readonly BenchRow[],
  options: BenchOptions,
  date = new Date(),
  downloads?: readonly DownloadRow[],
): string {
  const kinds = [...new Set(rows.map((row) => row.kind))];
  const maxWorkers = Math.max(...rows.map((row) => row.workers));
  const barsBy = (
    value: (row: BenchRow) => number,
    range: (row: BenchRow) => readonly [number, number],
    kindsShown: readonly CpuExecutorName[],
  ): BarGroup[] =>
    kindsShown.map((kind) => ({
      label: kind,
      bars: rows
        .filter((row) => row.kind === kind)
        .map((row) => ({
          label: `${row.workers} worker${row.workers === 1 ? "" : "s"}`,
          value: value(row),
          range: range(row),
          color: WORKER_COLORS[(row.workers - 1) % WORKER_COLORS.length]!,
        })),
    }));
  const pools = kinds.filter((kind) => kind !== "async");
  const charts = [
    ...speedupChart(rows, kinds, maxWorkers),
    ...SUITES.map((suite) =>
      barChart(
        `${suite}: time per executor`,
        "seconds",
        barsBy(
          (row) => row.seconds[suite],
          (row) => row.secondsRange[suite],
          kinds,
        ),
        "s",
      ),
    ),
    ...(pools.length > 0
      ? [
          barChart(
            "Pool start-up until every worker ran a no-op",
            "milliseconds",
            barsBy(
              (row) => row.startupMs,
              (row) => row.startupRange,
              pools,
            ),
            "ms",
          ),
        ]
      : []),
    ...(downloads
      ? [
          barChart(
            "Downloads of 676 codes (futures flags -e): time per executor",
            "seconds",
            downloads.map((row) => ({
              label: row.executor,
              bars: [{ label: "time", value: row.seconds, range: row.secondsRange, color: "#1f6fb4" }],
            })),
            "s",
          ),
        ]
      : []),
  ];
  const notes = [
    ...(maxWorkers === 1
      ? [
          "No speedup chart: every executor ran with one worker only (--workers 1), so there is nothing to compare one worker with.",
        ]
      : []),
  ];
  const noisy = noisyCases(rows);
  const mib = (bytes: number) =>
    bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>futures bench: CPU-bound work on processes, threads and the event loop</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1180px; color: #222; padding: 0 1rem; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #ddd; text-align: right; }
  th.text, td.text { text-align: left; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 1rem; }
  .charts svg { width: 100%; height: auto; border: 1px solid #eee; background: #fff; }
  .meta { color: #555; }
  .note { background: #fff6e0; border-left: 4px solid #e0a100; padding: 0.5rem 0.8rem; }
</style>
</head>
<body>
<h1>CPU-bound work on futures executors</h1>
<p class="meta">${escapeHtml(date.toISOString())} &middot; ${escapeHtml(os.cpus()[0]?.model ?? "unknown CPU")} &middot;
${os.availableParallelism()} cores &middot; Node.js ${escapeHtml(process.version)}</p>
<p>The book's table 17-1 for this machine. RC4: ${options.jobs} jobs, middle size ${mib(options.arcfourSize)}, each
encrypted and decrypted with 20 key-schedule loops. SHA-256: ${options.jobs} jobs of ${mib(options.shaSize)}.
Median of ${options.runs} run${options.runs === 1 ? "" : "s"}; each run is timed on a pool whose workers are already
running, and the start-up of that pool is reported on its own. <em>async</em> runs every job on the event loop,
like Python threads under the GIL: more of its workers cannot go faster, so a speedup shown for it is the noise of
a shared machine. Every median comes with the fastest and slowest run (min-max in the tables, whiskers in the
charts).</p>
<h2>Time and speedup</h2>
${tableHtml(suiteTable(rows))}
${noisy.length > 0 ? noiseNote(noisy) : ""}
<h2>Pool start-up</h2>
<p>From creating the pool until every worker has run a no-op. Workers start in parallel, so the one-worker row is
the cost of one worker and the others are the wall time for all of them.</p>
${tableHtml(startupTable(rows))}
${downloads ? downloadSection(downloads) : ""}
<h2>Charts</h2>
${notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join("\n")}
<div class="charts">
${charts.join("\n")}
</div>
</body>
</html>
`;
}

function downloadSection(downloads: readonly DownloadRow[]): string {
  return `<h2>Downloads</h2>
<p>The book's other comparison: <code>futures flags -e</code> (676 codes: 194 flags, 482 not found) against a LOCAL
flag server in another process, on each executor at its default concurrency.</p>
${tableHtml(downloadTable(downloads))}`;
}

function noiseNote(cases: readonly string[]): string {
  return `<div class="note"><p>The spread of the runs is larger than the effect (marked * in the table) for:</p>
<ul>${cases.map((text) => `<li>${escapeHtml(text)}</li>`).join("")}</ul>
<p>Read these as no measurable change; more <code>--runs</code> on a quieter machine can tell.</p></div>`;
}

/** Speedup against one worker, one line per executor and suite; none when no executor ran more than one worker. */
function speedupChart(
  rows: readonly BenchRow[],
  kinds: readonly CpuExecutorName[],
  maxWorkers: number,
): string[] {
  if (maxWorkers < 2) return [];
  const series: LineSeries[] = kinds.flatMap((kind) =>
    SUITES.map((suite) => ({
      name: `${suite}, ${kind}`,
      color: KIND_COLORS[kind],
      dash: SUITE_DASH[suite],
      points: rows
        .filter((row) => row.kind === kind)
        .map((row) => ({ x: row.workers, y: row.speedup[suite], range: row.speedupRange[suite] })),
    })),
  );
  series.push({
    name: "ideal",
    color: "#999",
    dash: "2 4",
    points: Array.from({ length: maxWorkers }, (_, i) => ({ x: i + 1, y: i + 1 })),
  });
  return [lineChart("Speedup against one worker", "workers", "speedup (x)", series)];
}
