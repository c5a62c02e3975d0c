// From raw bench measurements to the rows of the book's table 17-1: median time per case
// and speedup against one worker of the same executor.
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { median, SUITES, type Measurement, type SuiteName } from "./bench-measure.ts";
import { textTable } from "../cli/text-table.ts";

const MIN_SECONDS = 1e-6;

export interface BenchRow {
  kind: CpuExecutorName;
  workers: number;
  /** Median seconds per suite. */
  seconds: Record<SuiteName, number>;
  /** Time with one worker of this kind divided by this time. */
  speedup: Record<SuiteName, number>;
  /** Median milliseconds to start the pool. */
  startupMs: number;
}

export function summarize(measurements: readonly Measurement[]): BenchRow[] {
  return measurements.map(({ kind, workers, seconds, startupMs }) => {
    // Every executor is measured from one worker up.
    const one = measurements.find((m) => m.kind === kind && m.workers === 1)!;
    const time = {} as Record<SuiteName, number>;
    const speedup = {} as Record<SuiteName, number>;
    for (const suite of SUITES) {
      time[suite] = median(seconds[suite]);
      // A run too short for the clock must not divide by zero.
      speedup[suite] = Math.max(median(one.seconds[suite]), MIN_SECONDS) / Math.max(time[suite], MIN_SECONDS);
    }
    return { kind, workers, seconds: time, speedup, startupMs: median(startupMs) };
  });
}

export function suiteTable(rows: readonly BenchRow[]): string[] {
  const headers = [
    "executor",
    "workers",
    ...SUITES.flatMap((suite) => [`${suite} time`, `${suite} speedup`]),
  ];
  return textTable(
    headers,
    rows.map((row) => [
      row.kind,
      String(row.workers),
      ...SUITES.flatMap((suite) => [
        `${row.seconds[suite].toFixed(2)}s`,
        `${row.speedup[suite].toFixed(2)}x`,
      ]),
    ]),
  );
}

export function startupTable(rows: readonly BenchRow[]): string[] {
  const pools = rows.filter((row) => row.kind !== "async");
  return textTable(
    // Workers start in parallel: the 1-worker row is the cost of one, the others the wall time of all.
    ["executor", "workers", "start-up"],
    pools.map((row) => [row.kind, String(row.workers), `${row.startupMs.toFixed(0)} ms`]),
  );
}
