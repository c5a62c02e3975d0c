// `futures arcfour`: the book's arcfour_futures.py.
import type { Future } from "concurrent-futures";
import {
  ARCFOUR_JOBS,
  ARCFOUR_KEY,
  ARCFOUR_SIZE,
  arcfourJobSizes,
  arcfourTest,
  DEFAULT_ARCFOUR_KERNEL,
  type ArcfourKernel,
} from "../cpu/arcfour-job.ts";
import type { SizedExecutor } from "../executors/create.ts";
import { runSuite, type SuiteOptions, type SuiteResult } from "./suite.ts";

export interface ArcfourOptions extends SuiteOptions {
  jobs?: number | undefined;
  /** Bytes of the middle job; sizes go from 1.5 times this down. */
  size?: number | undefined;
  /** Which implementation of RC4 the jobs run. */
  kernel?: ArcfourKernel | undefined;
}

export function submitArcfourJobs(
  executor: SizedExecutor,
  jobs: number,
  size: number,
  kernel: ArcfourKernel = DEFAULT_ARCFOUR_KERNEL,
): Future<number>[] {
  return arcfourJobSizes(jobs, size).map((bytes) => executor.submit(arcfourTest, bytes, ARCFOUR_KEY, kernel));
}

export function runArcfour({
  jobs = ARCFOUR_JOBS,
  size = ARCFOUR_SIZE,
  kernel = DEFAULT_ARCFOUR_KERNEL,
  ...options
}: ArcfourOptions = {}): Promise<SuiteResult> {
  return runSuite(options, jobs, (executor) => submitArcfourJobs(executor, jobs, size, kernel), jobSize);
}

/** A job's size as the book prints it, in KB; megabyte-sized jobs in MB, to stay readable. */
export function jobSize(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 2 ** 10).toFixed(1)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
