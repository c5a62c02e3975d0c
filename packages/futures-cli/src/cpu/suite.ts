// The shape shared by arcfour_futures.py and sha_futures.py: start a pool, submit every job,
// print each result as it completes, then the book's status line. The time includes starting
// and shutting down the pool, as the book's `with` block does.
import { asCompleted, type Future } from "concurrent-futures";
import type { CpuExecutorName } from "../executors/catalogue.ts";
import { closeExecutor, createExecutor, type SizedExecutor } from "../executors/create.ts";

export type Print = (line: string) => void;

export interface SuiteOptions {
  executor?: CpuExecutorName | undefined;
  /** Undefined: the executor's default. */
  workers?: number | undefined;
  print?: Print | undefined;
}

export interface SuiteResult {
  workers: number;
  /** Seconds. */
  elapsed: number;
}

export async function runSuite<T>(
  { executor: kind = "processes", workers, print = console.log }: SuiteOptions,
  submitAll: (executor: SizedExecutor) => Future<T>[],
  describe: (result: T) => string,
): Promise<SuiteResult> {
  const t0 = performance.now();
  const executor = await createExecutor(kind, workers);
  let finished = false;
  try {
    for await (const future of asCompleted(submitAll(executor))) print(describe(await future.result()));
    finished = true;
  } finally {
    await closeExecutor(executor, finished);
  }
  const elapsed = (performance.now() - t0) / 1000;
  print(`${executor.maxWorkers} workers, elapsed time: ${elapsed.toFixed(2)}s`);
  return { workers: executor.maxWorkers, elapsed };
}
