// The measurements behind `futures bench`: each suite on each executor with 1..N workers,
// timed on a pool whose workers are already running, plus that pool's start-up time.
import type { Future } from "concurrent-futures";
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { closeExecutor, type SizedExecutor } from "../executors/create.ts";
import { submitArcfourJobs } from "../cpu-commands/run-arcfour.ts";
import { submitShaJobs } from "../cpu-commands/run-sha.ts";
import { startPool } from "../cpu-commands/startup-cost.ts";
import { CallRecorder } from "../observe/call-recorder.ts";
import type { CallSpan } from "../observe/call-span.ts";

export interface BenchOptions {
  maxWorkers: number;
  runs: number;
  jobs: number;
  arcfourSize: number;
  shaSize: number;
  executors: CpuExecutorName[];
  /** Keep the calls of each case's last run (for its trace). */
  recordCalls?: boolean | undefined;
}

export const SUITES = ["RC4", "SHA-256"] as const;
export type SuiteName = (typeof SUITES)[number];

/** Every run of one executor with one worker count. */
export interface Measurement {
  kind: CpuExecutorName;
  workers: number;
  /** Seconds per run and suite, start-up excluded. */
  seconds: Record<SuiteName, number[]>;
  /** Milliseconds per run to start the pool. */
  startupMs: number[];
  /** The calls of the last run, when asked for. */
  calls?: CallSpan[];
}

export async function measureSuites(
  options: BenchOptions,
  progress: (line: string) => void,
): Promise<Measurement[]> {
  const submitters: Record<SuiteName, (executor: SizedExecutor) => Future<unknown>[]> = {
    RC4: (executor) => submitArcfourJobs(executor, options.jobs, options.arcfourSize),
    "SHA-256": (executor) => submitShaJobs(executor, options.jobs, options.shaSize),
  };
  const measurements: Measurement[] = [];
  for (const kind of options.executors) {
    for (let workers = 1; workers <= options.maxWorkers; workers++) {
      measurements.push({ kind, workers, seconds: { RC4: [], "SHA-256": [] }, startupMs: [] });
    }
  }
  // Runs are the outer loop, so slow drifts of a shared machine spread over every case.
  for (let run = 1; run <= options.runs; run++) {
    progress(`run ${run} of ${options.runs}`);
    for (const measurement of measurements) {
      const { executor, startupMs } = await startPool(measurement.kind, measurement.workers);
      let finished = false;
      const recorder = options.recordCalls && run === options.runs ? new CallRecorder() : undefined;
      recorder?.start();
      try {
        measurement.startupMs.push(startupMs);
        for (const suite of SUITES) {
          const t0 = performance.now();
          await Promise.all(submitters[suite](executor));
          measurement.seconds[suite].push((performance.now() - t0) / 1000);
        }
        finished = true;
      } finally {
        recorder?.stop();
        if (recorder) measurement.calls = recorder.spans;
        await closeExecutor(executor, finished);
      }
    }
  }
  return measurements;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
