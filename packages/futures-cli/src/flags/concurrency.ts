// How many downloads run at once: the book's rule, with each executor's limits from the
// catalogue.
import { EXECUTORS, type ExecutorName } from "../executors/catalogue.ts";

/** min(--max-req, the executor's maximum, number of codes), and at least 1. */
export function actualConcurrency(executor: ExecutorName, maxReq: number | undefined, codes: number): number {
  const limits = EXECUTORS[executor].downloads;
  return Math.max(1, Math.min(maxReq ?? limits.defaultConcurrency, limits.maxConcurrency, codes));
}
