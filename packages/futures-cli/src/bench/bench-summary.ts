// From raw bench measurements to the rows of the book's table 17-1: median time per case,
// the spread of the runs (min to max), and the speedup against one worker of the same
// executor with the range the runs allow; then the tables, built once for text and HTML.
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { median, SUITES, type Measurement, type SuiteName } from "./bench-measure.ts";
import type { ReportTable } from "./report-table.ts";

const MIN_SECONDS = 1e-6;

export type Range = readonly [min: number, max: number];

export interface BenchRow {
  kind: CpuExecutorName;
  workers: number;
  /** Median seconds per suite. */
  seconds: Record<SuiteName, number>;
  /** Fastest and slowest run per suite, in seconds. */
  secondsRange: Record<SuiteName, Range>;
  /** Time with one worker of this kind divided by this time (medians). */
  speedup: Record<SuiteName, number>;
  /** The lowest and highest speedup the runs allow: slowest one-worker run over fastest run here, and so on. */
  speedupRange: Record<SuiteName, Range>;
  /** Median milliseconds to start the pool. */
  startupMs: number;
  startupRange: Range;
  /** The trace of its last run, relative to the report (when traces were written). */
  trace?: string | undefined;
}

export function summarize(measurements: readonly Measurement[]): BenchRow[] {
  return measurements.map(({ kind, workers, seconds, startupMs }) => {
    // Every executor is measured from one worker up.
    const one = measurements.find((m) => m.kind === kind && m.workers === 1)!;
    const time = {} as Record<SuiteName, number>;
    const timeRange = {} as Record<SuiteName, Range>;
    const speedup = {} as Record<SuiteName, number>;
    const speedupRange = {} as Record<SuiteName, Range>;
    // A run too short for the clock must not divide by zero.
    const ratio = (a: number, b: number) => Math.max(a, MIN_SECONDS) / Math.max(b, MIN_SECONDS);
    for (const suite of SUITES) {
      time[suite] = median(seconds[suite]);
      timeRange[suite] = range(seconds[suite]);
      const [oneMin, oneMax] = range(one.seconds[suite]);
      speedup[suite] = ratio(median(one.seconds[suite]), time[suite]);
      speedupRange[suite] =
        workers === 1 ? [1, 1] : [ratio(oneMin, timeRange[suite][1]), ratio(oneMax, timeRange[suite][0])];
    }
    return {
      kind,
      workers,
      seconds: time,
      secondsRange: timeRange,
      speedup,
      speedupRange,
      startupMs: median(startupMs),
      startupRange: range(startupMs),
    };
  });
}

/** Does the spread of the runs swallow the effect, so that no speedup (or slowdown) is shown? */
export function spreadHidesEffect(row: BenchRow, suite: SuiteName): boolean {
  const [low, high] = row.speedupRange[suite];
  return row.workers > 1 && low < 1 && high > 1;
}

/** The cases whose spread is larger than their effect, in words, for a note under the table. */
export function noisyCases(rows: readonly BenchRow[]): string[] {
  return rows.flatMap((row) =>
    SUITES.filter((suite) => spreadHidesEffect(row, suite)).map((suite) => {
      const [low, high] = row.speedupRange[suite];
      return `${suite} on ${row.kind} with ${row.workers} workers: ${row.speedup[suite].toFixed(2)}x, but the runs allow ${low.toFixed(2)}x to ${high.toFixed(2)}x`;
    }),
  );
}

export function suiteTable(rows: readonly BenchRow[]): ReportTable {
  const headers = [
    "executor",
    "workers",
    ...SUITES.flatMap((suite) => [`${suite} time`, `${suite} speedup`, `${suite} min-max`]),
  ];
  return {
    headers,
    rows: rows.map((row) => [
      row.kind,
      String(row.workers),
      ...SUITES.flatMap((suite) => {
        const [min, max] = row.secondsRange[suite];
        const mark = spreadHidesEffect(row, suite) ? "*" : "";
        return [
          `${row.seconds[suite].toFixed(2)}s`,
          `${row.speedup[suite].toFixed(2)}x${mark}`,
          `${min.toFixed(2)}-${max.toFixed(2)}s`,
        ];
      }),
    ]),
    left: [0],
    ...(rows.some((row) => row.trace) && { links: rows.map((row) => row.trace) }),
  };
}

export function startupTable(rows: readonly BenchRow[]): ReportTable {
  const pools = rows.filter((row) => row.kind !== "async");
  return {
    // Workers start in parallel: the 1-worker row is the cost of one, the others the wall time of all.
    headers: ["executor", "workers", "start-up", "min-max"],
    rows: pools.map((row) => [
      row.kind,
      String(row.workers),
      `${row.startupMs.toFixed(0)} ms`,
      `${row.startupRange[0].toFixed(0)}-${row.startupRange[1].toFixed(0)} ms`,
    ]),
    left: [0],
  };
}

function range(values: readonly number[]): Range {
  return [Math.min(...values), Math.max(...values)];
}
