// The charts of the bench report, each a figure with one sentence under it saying what it
// shows: the speedup of each suite (one small chart per suite, on one shared y axis), the
// seconds of each suite, the pools' start-up and the downloads, with why threads cost what
// they cost there.
import type { BenchOptions } from "./bench-measure.ts";
import { SUITES } from "./bench-measure.ts";
import type { BenchRow } from "./bench-summary.ts";
import type { DownloadRow } from "./download-bench.ts";
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { threadSplit } from "../flags/thread-split.ts";
import { barChart, lineChart, lineTicks, type BarGroup, type LineSeries } from "./svg-chart.ts";

/** One colour and one dash pattern per executor, so that lines tell apart without colour too. */
const KIND_STYLE: Record<CpuExecutorName, { color: string; dash?: string }> = {
  processes: { color: "#1f6fb4" },
  threads: { color: "#2a9d3f", dash: "7 3" },
  async: { color: "#d1495b", dash: "2 3" },
  queue: { color: "#7b5ea7", dash: "9 3 2 3" },
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
/**
 * The speedup axis reaches the ideal line or the best median and whiskers up to 1.5 times
 * that; a run beyond it is one run's noise on a shared machine, cut at the top and marked.
 */
const SPEEDUP_CLIP = 1.5;

/**
 * A chart and the sentence under it, given without its full stop (HTML: the caller escapes
 * what it puts in); where a whisker was cut at the top of the axis, the sentence says so.
 */
function figure(chart: string, caption: string): string {
  const cut = chart.includes('class="clipped"')
    ? "; a whisker ending in ▲ runs past the top of the axis, cut so that one wild run does not flatten the rest"
    : "";
  return `<figure class="chart">\n${chart}\n<figcaption>${caption}${cut}.</figcaption>\n</figure>`;
}

const workersText = (n: number) => `${n} worker${n === 1 ? "" : "s"}`;

/** Speedup against one worker: one chart per suite with a line per executor; none with one worker only. */
export function speedupFigures(rows: readonly BenchRow[], kinds: readonly CpuExecutorName[]): string[] {
  const maxWorkers = Math.max(...rows.map((row) => row.workers));
  if (maxWorkers < 2) return [];
  const ideal: LineSeries = {
    name: "ideal",
    color: "#888",
    dash: "2 4",
    reference: true,
    points: Array.from({ length: maxWorkers }, (_, i) => ({ x: i + 1, y: i + 1 })),
  };
  const bySuite = SUITES.map((suite): LineSeries[] => [
    ...kinds.map((kind) => ({
      name: kind,
      ...KIND_STYLE[kind],
      points: rows
        .filter((row) => row.kind === kind)
        .map((row) => ({ x: row.workers, y: row.speedup[suite], range: row.speedupRange[suite] })),
    })),
    ideal,
  ]);
  // One y axis for both suites, so that the charts compare at a glance.
  const yTicks = lineTicks(bySuite.flat(), SPEEDUP_CLIP);
  return SUITES.map((suite, i) => {
    const chart = lineChart(`${suite}: speedup over 1 worker`, "workers", "speedup (x)", bySuite[i]!, {
      yTicks,
    });
    return figure(
      chart,
      `${suite} jobs: each executor's speedup over one worker of its own (dots: the medians, set side by side at each worker count; whiskers: the lowest to highest speedup the runs allow; dotted grey line: the ideal)`,
    );
  });
}

/** A chart per suite: median seconds per executor, a bar per worker count. */
export function timeFigures(
  rows: readonly BenchRow[],
  kinds: readonly CpuExecutorName[],
  options: BenchOptions,
): string[] {
  const maxWorkers = Math.max(...rows.map((row) => row.workers));
  return SUITES.map((suite) =>
    figure(
      barChart(
        `${suite}: seconds per executor`,
        "seconds",
        byWorkers(rows, kinds, (row) => [row.seconds[suite], row.secondsRange[suite]]),
        "s",
      ),
      `Median seconds for the ${options.jobs} ${suite} jobs on each executor with ${maxWorkers === 1 ? "1 worker" : `1 to ${maxWorkers} workers`}, on pools already started; whiskers run from the fastest to the slowest run`,
    ),
  );
}

/** Pool start-up per executor and worker count; none when only the event loop ran. */
export function startupFigure(
  rows: readonly BenchRow[],
  kinds: readonly CpuExecutorName[],
): string | undefined {
  const pools = kinds.filter((kind) => kind !== "async");
  if (pools.length === 0) return undefined;
  return figure(
    barChart(
      "Pool start-up",
      "milliseconds",
      byWorkers(rows, pools, (row) => [row.startupMs, row.startupRange]),
      "ms",
    ),
    "Median milliseconds from creating a pool until every worker has run a no-op: each process starts a Node.js of its own and each thread a V8 isolate, all at once, so more workers add less than one worker's cost each",
  );
}

function byWorkers(
  rows: readonly BenchRow[],
  kinds: readonly CpuExecutorName[],
  measure: (row: BenchRow) => readonly [number, readonly [number, number]],
): BarGroup[] {
  return kinds.map((kind) => ({
    label: kind,
    bars: rows
      .filter((row) => row.kind === kind)
      .map((row) => {
        const [value, range] = measure(row);
        return {
          label: workersText(row.workers),
          value,
          range,
          color: WORKER_COLORS[(row.workers - 1) % WORKER_COLORS.length]!,
        };
      }),
  }));
}

/** The downloads per executor, and why threads cost what they cost in Node. */
export function downloadsFigure(downloads: readonly DownloadRow[]): string {
  const chart = barChart(
    "Downloads: futures flags -e",
    "seconds",
    downloads.map((row) => ({
      label: row.executor,
      bars: [
        {
          label: "time",
          value: row.seconds,
          range: row.secondsRange,
          color: KIND_STYLE[row.executor as CpuExecutorName]?.color ?? "#777",
        },
      ],
    })),
    "s",
    { legend: false, valueLabel: (value) => `${value.toFixed(2)} s` },
  );
  const seconds = (row: DownloadRow) => `${row.seconds.toFixed(2)}&nbsp;s`;
  const find = (name: string) => downloads.find((row) => row.executor === name);
  const threads = find("threads");
  const processes = find("processes");
  const async = find("async");
  const split = threads && threadSplit(threads.concurrency);
  const measured =
    threads && async
      ? `threads took ${seconds(threads)} and async ${seconds(async)}: <code>-x threads</code> runs its ` +
        `${threads.concurrency} downloads as ${split!.threads} thread${split!.threads === 1 ? "" : "s"} of ` +
        `${split!.callsPerThread} at once, since each worker thread`
      : "each worker thread";
  const perProcess = processes ? ` (each of the ${processes.concurrency} processes, a whole Node.js)` : "";
  return figure(
    chart,
    `Median seconds for <code>futures flags -e</code> (676 codes) on each executor at its default concurrency; ${measured} is a whole V8 isolate, with its own module graph and heap, that loads the downloader's code and its own HTTP stack${perProcess}, and the book's lesson that threads help I/O holds in Python because its threads share one interpreter, while in Node the event loop already overlaps I/O, so <code>-x async</code> is the executor for downloads`,
  );
}
