// The executors `futures flags` can run on, with their default and maximum concurrency.
import { UsageError } from "../cli/usage.ts";

export const EXECUTOR_NAMES = ["sequential", "threads", "processes", "async"] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** The event loop downloads fastest: no worker start-up, one process, many sockets. */
export const DEFAULT_EXECUTOR: ExecutorName = "async";

/** No executor is ever given more concurrent requests than this (the book's MAX_CONCUR_REQ). */
export const MAX_CONCURRENCY = 1000;

export interface ExecutorLimits {
  defaultConcurrency: number;
  maxConcurrency: number;
}

// sequential, threads and async keep the book's defaults. A worker thread or process is a
// whole V8 isolate (about 10 MB and 30 ms to start for a thread, 40 MB and 60 ms for a
// process), so their maxima are far below the event loop's: past a few dozen threads or a
// few processes per core, starting them costs more than the waiting they overlap.
export const EXECUTORS: Readonly<Record<ExecutorName, ExecutorLimits>> = {
  sequential: { defaultConcurrency: 1, maxConcurrency: 1 },
  threads: { defaultConcurrency: 30, maxConcurrency: 64 },
  processes: { defaultConcurrency: 4, maxConcurrency: 16 },
  async: { defaultConcurrency: 5, maxConcurrency: MAX_CONCURRENCY },
};

export function parseExecutor(text: string): ExecutorName {
  const name = text.toLowerCase();
  if (!(EXECUTOR_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--executor must be one of ${EXECUTOR_NAMES.join(", ")}, got '${text}'`);
  }
  return name as ExecutorName;
}

/** min(--max-req, the executor's maximum, number of codes), and at least 1. */
export function actualConcurrency(executor: ExecutorName, maxReq: number | undefined, codes: number): number {
  const limits = EXECUTORS[executor];
  return Math.max(1, Math.min(maxReq ?? limits.defaultConcurrency, limits.maxConcurrency, codes));
}
