// The executors `futures flags` runs on: the catalogue's names and download limits.
import { EXECUTORS, type ExecutorName } from "../executors/catalogue.ts";

export {
  EXECUTOR_NAMES,
  MAX_CONCURRENCY,
  type ExecutorLimits,
  type ExecutorName,
} from "../executors/catalogue.ts";

/** The event loop downloads fastest: no worker start-up, one process, many sockets. */
export const DEFAULT_EXECUTOR: ExecutorName = "async";

/** min(--max-req, the executor's maximum, number of codes), and at least 1. */
export function actualConcurrency(executor: ExecutorName, maxReq: number | undefined, codes: number): number {
  const limits = EXECUTORS[executor].downloads;
  return Math.max(1, Math.min(maxReq ?? limits.defaultConcurrency, limits.maxConcurrency, codes));
}
