// Download many flags on the executor of your choice and account for every code.
import { setMaxListeners } from "node:events";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { createExecutor } from "../executors/create.ts";
import { runOnExecutor, runSequential } from "./executor-runs.ts";
import { DEFAULT_DEST, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
import { DEFAULT_EXECUTOR, actualConcurrency, type ExecutorName } from "./executors.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { DownloadRequest } from "./download-one.ts";
import { cancelledResult, countResults, type FlagCounts, type FlagResult } from "./flag-result.ts";
import { HttpClient } from "./http-get.ts";
import { existingFlags, flagFileName, newTempTag, prepareDestination, removeTempFiles } from "./save-flag.ts";

export interface DownloadManyOptions {
  /** Base URL of the flags, e.g. http://127.0.0.1:8001/flags. */
  baseUrl: string;
  /** Folder for the flags (created when missing); default "downloads". */
  dest?: string | undefined;
  executor?: ExecutorName | undefined;
  /** Requests at once; default the executor's default, never above its maximum. */
  concurrency?: number | undefined;
  /** Retries of an error, with exponential backoff and jitter; never for a 404. Default 0. */
  retries?: number | undefined;
  /** Milliseconds per request; default 5000. */
  timeout?: number | undefined;
  /** Replace existing files; by default they are downloaded but left untouched. */
  overwrite?: boolean | undefined;
  /** Aborting cancels what is pending and aborts what is in flight; the summary says what was done. */
  signal?: AbortSignal | undefined;
  /** Called as each code is settled, in completion order. */
  onResult?: ((result: FlagResult) => void) | undefined;
  backoff?: BackoffOptions | undefined;
}

export interface DownloadSummary {
  /** One result per code, sorted by code. */
  results: FlagResult[];
  counts: FlagCounts;
  executor: ExecutorName;
  concurrency: number;
  elapsedMs: number;
  /** The signal aborted before every code was settled. */
  interrupted: boolean;
}

export async function downloadMany(
  codes: readonly string[],
  options: DownloadManyOptions,
): Promise<DownloadSummary> {
  const started = performance.now();
  const { signal, onResult } = options;
  const executor = options.executor ?? DEFAULT_EXECUTOR;
  const concurrency = actualConcurrency(executor, options.concurrency, codes.length);
  const dest = options.dest ?? DEFAULT_DEST;
  const overwrite = options.overwrite ?? false;
  await prepareDestination(dest);

  const results: FlagResult[] = [];
  const sink = (result: FlagResult): void => {
    results.push(result);
    onResult?.(result);
  };
  // Every code is requested, even when its file is already there: the download is what is
  // measured and reported. Without --overwrite, saving then keeps the existing file.
  const present = await existingFlags(dest);

  // In this thread the run has connections of its own, closed when it ends.
  const inProcess = executor === "sequential" || executor === "async";
  const client = inProcess ? new HttpClient() : undefined;
  const request: DownloadRequest = {
    baseUrl: options.baseUrl,
    dest,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? 0,
    overwrite,
    tempTag: newTempTag(),
    // A pool worker runs one download at a time: one connection each.
    connections: inProcess ? concurrency : 1,
    backoff: options.backoff,
  };
  // Every submit listens to the signal; that is not a leak.
  if (signal) setMaxListeners(0, signal);
  try {
    if (signal?.aborted) for (const cc of codes) sink(cancelledResult(cc));
    else if (executor === "sequential") await runSequential(codes, request, signal, sink, client);
    else {
      const pool = await createExecutor(executor, concurrency);
      await runOnExecutor(pool, codes, request, signal, sink, client);
    }
  } finally {
    client?.close();
    // A worker ended in the middle of a write cannot clean up after itself.
    if (!inProcess || signal?.aborted) await removeTempFiles(dest, request.tempTag);
  }
  if (!inProcess && signal?.aborted) await creditSavedFlags(results, dest, present);
  results.sort((a, b) => (a.cc < b.cc ? -1 : a.cc > b.cc ? 1 : 0));
  return {
    results,
    counts: countResults(results),
    executor,
    concurrency,
    elapsedMs: performance.now() - started,
    interrupted: signal?.aborted ?? false,
  };
}

/**
 * A pool worker ended by an abort may have saved its flag just before: the file is there
 * and complete (saves are atomic) although its result never came back. Count it as ok.
 */
async function creditSavedFlags(results: FlagResult[], dest: string, before: Set<string>): Promise<void> {
  const now = await existingFlags(dest);
  for (const [index, result] of results.entries()) {
    const name = flagFileName(result.cc);
    if (result.status !== "cancelled" || before.has(name) || !now.has(name)) continue;
    const size = await stat(join(dest, name)).then(
      (file) => file.size,
      () => undefined,
    );
    if (size !== undefined) results[index] = { ...result, status: "ok", bytes: size };
  }
}
