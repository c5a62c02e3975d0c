// The shape shared by arcfour_futures.py and sha_futures.py: start a pool, submit every job,
// print each result as it completes, then the book's status line. The time includes starting
// and shutting down the pool, as the book's `with` block does; the start-up (until every
// worker that will run has run a no-op) is printed beside it, since it can hide the lesson.
import { asCompleted, type Future } from "concurrent-futures";
import { DEFAULT_CPU_EXECUTOR, type CpuExecutorName } from "../executors/catalogue.ts";
import { closeExecutor, createExecutor, type SizedExecutor } from "../executors/create.ts";
import { terminateOnSignal } from "../executors/interrupt.ts";
import { warmUp } from "./startup-cost.ts";
import { describeWorkers, startedWorkers } from "../executors/worker-count.ts";

export type Print = (line: string) => void;

export interface SuiteOptions {
  executor?: CpuExecutorName | undefined;
  /** Undefined: the executor's default. */
  workers?: number | undefined;
  print?: Print | undefined;
}

export interface SuiteResult {
  /** The workers that really ran (a pool starts no more than one per job). */
  workers: number;
  /** Seconds, start-up and shutdown included. */
  elapsed: number;
  /** Seconds from creating the pool until its workers were running. */
  startup: number;
}

export async function runSuite<T>(
  { executor: kind = DEFAULT_CPU_EXECUTOR, workers, print = console.log }: SuiteOptions,
  jobs: number,
  submitAll: (executor: SizedExecutor) => Future<T>[],
  describe: (result: T) => string,
): Promise<SuiteResult> {
  const t0 = performance.now();
  const executor = await createExecutor(kind, workers);
  const endInterrupts = kind === "queue" ? terminateOnSignal(executor) : undefined;
  const started = startedWorkers(kind, executor.maxWorkers, jobs);
  let finished = false;
  let startup = 0;
  try {
    await warmUp(executor, kind, started);
    startup = (performance.now() - t0) / 1000;
    for await (const future of asCompleted(submitAll(executor))) print(describe(await future.result()));
    finished = true;
  } finally {
    await closeExecutor(executor, finished);
    endInterrupts?.();
  }
  const elapsed = (performance.now() - t0) / 1000;
  // The book's line: "2 workers, elapsed time: 1.23s"; then what starting the pool cost.
  const who = describeWorkers(started, executor.maxWorkers, "workers");
  const share =
    kind === "async" ? "" : ` (pool start-up ${startup.toFixed(2)}s, ${percent(startup, elapsed)})`;
  print(`${who}, elapsed time: ${elapsed.toFixed(2)}s${share}`);
  return { workers: started, elapsed, startup };
}

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / Math.max(whole, 1e-9))}%`;
}
