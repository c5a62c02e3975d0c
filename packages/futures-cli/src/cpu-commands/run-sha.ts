// `futures sha`: the book's sha_futures.py.
import type { Future } from "concurrent-futures";
import type { SizedExecutor } from "../executors/create.ts";
import { SHA_JOBS, SHA_SIZE, sha256Job } from "../cpu/sha-job.ts";
import { runSuite, type SuiteOptions, type SuiteResult } from "./suite.ts";

export interface ShaOptions extends SuiteOptions {
  jobs?: number | undefined;
  /** Bytes hashed by each job. */
  size?: number | undefined;
}

export function submitShaJobs(executor: SizedExecutor, jobs: number, size: number): Future<string>[] {
  return Array.from({ length: jobs }, () => executor.submit(sha256Job, size));
}

export function runSha({
  jobs = SHA_JOBS,
  size = SHA_SIZE,
  ...options
}: ShaOptions = {}): Promise<SuiteResult> {
  return runSuite(
    options,
    jobs,
    (executor) => submitShaJobs(executor, jobs, size),
    (digest) => digest,
  );
}
