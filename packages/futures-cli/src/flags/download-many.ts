// Download many flags on the executor of your choice and account for every code.
import { statSync } from "node:fs";
import { join } from "node:path";
import { createExecutor } from "../executors/create.ts";
import { runOnExecutor, runSequential } from "./executor-runs.ts";
import { DEFAULT_DEST, DEFAULT_MAX_FILESIZE, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
import { DEFAULT_EXECUTOR, EXECUTORS, type ExecutorName } from "../executors/catalogue.ts";
import { actualConcurrency } from "./concurrency.ts";
import { threadSplit } from "./thread-split.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { DownloadRequest } from "./download-one.ts";
import {
  cancelledResult,
  countResults,
  type FlagCounts,
  type FlagResult,
  type RetryNote,
} from "./flag-result.ts";
import { HttpClient } from "./http-get.ts";
import { existingFlags, prepareDestination, removeTempFiles } from "./destination.ts";
import { flagFileName, newTempTag } from "./save-flag.ts";

export interface DownloadManyOptions {
  /** Base URL of the flags, e.g. http://127.0.0.1:8001/flags. */
  baseUrl: string;
  /** Folder for the flags (created when missing); default "downloads". */
  dest?: string | undefined;
  executor?: ExecutorName | undefined;
  /** Requests at once; default the executor's default, never above its maximum. */
  concurrency?: number | undefined;
  /**
   * Retries after the first try (curl's --retry N), for transient failures only: refused or
   * reset connections, timeouts, truncated bodies, 408, 429, 500, 502, 503, 504. Default 0.
   */
  retries?: number | undefined;
  /** Milliseconds per request; default 5000. */
  timeout?: number | undefined;
  /**
   * Largest flag accepted, in bytes (curl's --max-filesize); default 1 MiB. A larger body is
   * an error for its code, never held beyond the cap and never saved.
   */
  maxFileSize?: number | undefined;
  /** Replace existing files; by default they are downloaded but left untouched. */
  overwrite?: boolean | undefined;
  /** Aborting cancels what is pending and aborts what is in flight; the summary says what was done. */
  signal?: AbortSignal | undefined;
  /** Called as each code is settled, in completion order. */
  onResult?: ((result: FlagResult) => void) | undefined;
  /**
   * Called for each failed attempt that is retried: as it happens on sequential and async;
   * on threads and processes, whose workers cannot call back, just before the code's result.
   */
  onRetry?: ((note: RetryNote) => void) | undefined;
  /** The wait before each retry (default: about 1 s doubling to 10 s; tests shorten it). */
  backoff?: BackoffOptions | undefined;
  /** The caller already ran prepareDestination(dest): do not check the folder twice. */
  destinationChecked?: boolean | undefined;
  /**
   * Connections for sequential and async runs, owned by the caller. Default: the run's own,
   * closed when it ends.
   */
  client?: HttpClient | undefined;
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
  /**
   * Why the run stopped by itself before every code was tried: "disk full: ..." or "the
   * process pool broke: ...". The codes not tried count as cancelled.
   */
  stopped?: string | undefined;
}

export async function downloadMany(
  codes: readonly string[],
  options: DownloadManyOptions,
): Promise<DownloadSummary> {
  const started = performance.now();
  const { signal, onResult, onRetry } = options;
  const executor = options.executor ?? DEFAULT_EXECUTOR;
  const concurrency = actualConcurrency(executor, options.concurrency, codes.length);
  const dest = options.dest ?? DEFAULT_DEST;
  const overwrite = options.overwrite ?? false;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILESIZE;
  if (!(Number.isSafeInteger(maxFileSize) && maxFileSize >= 1))
    throw new RangeError(`maxFileSize must be a whole number of bytes >= 1, got ${maxFileSize}`);
  if (!options.destinationChecked) await prepareDestination(dest);

  // In this thread the run has connections of its own, closed when it ends.
  const { inProcess, poolNoun } = EXECUTORS[executor];
  // A run stops by itself at a full disk: there is no room for the next flag either.
  const stop = new AbortController();
  const runSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let stopped: string | undefined;
  const results: FlagResult[] = [];
  const sink = (result: FlagResult): void => {
    // A worker cannot call back: its retries are told with its result.
    if (!inProcess) for (const note of result.retries ?? []) options.onRetry?.(note);
    results.push(result);
    onResult?.(result);
    if (!stopped && (result.errno === "ENOSPC" || result.errno === "EDQUOT")) {
      stopped = `disk full: no space left in '${dest}' (${result.errno})`;
      stop.abort(new Error(stopped));
    }
  };
  // Every code is requested, even when its file is already there: the download is what is
  // measured and reported. A pool worker ended mid-run may have saved a flag it could not
  // report: what was there before tells those apart (creditSavedFlags).
  const present = inProcess ? undefined : await existingFlags(dest);

  const client = inProcess ? (options.client ?? new HttpClient()) : undefined;
  // Threads run several downloads each, all async (thread-split.ts); processes one each.
  const split =
    executor === "threads" ? threadSplit(concurrency) : { threads: concurrency, callsPerThread: 1 };
  const request: DownloadRequest = {
    baseUrl: options.baseUrl,
    dest,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? 0,
    overwrite,
    tempTag: newTempTag(),
    // A pool worker has a connection for each download it runs at once.
    connections: inProcess ? concurrency : split.callsPerThread,
    backoff: options.backoff,
    maxFileSize,
  };
  let poolBroke = false;
  try {
    if (runSignal.aborted) for (const cc of codes) sink(cancelledResult(cc));
    else {
      const run = { codes, request, signal: runSignal, sink, client, onRetry, poolNoun };
      if (executor === "sequential") await runSequential(run);
      else {
        const pool = await createExecutor(executor, split.threads, split.callsPerThread, runSignal).catch(
          (error: unknown) => {
            if (runSignal.aborted) return undefined; // interrupted while it opened (Redis unanswered)
            throw error;
          },
        );
        if (!pool) for (const cc of codes) sink(cancelledResult(cc));
        else {
          const broke = await runOnExecutor(pool, run);
          if (broke && !stopped) stopped = `the ${poolNoun} broke: ${broke.reason}`;
          poolBroke = broke !== undefined;
        }
      }
    }
  } finally {
    if (client !== options.client) client?.close();
    // A worker ended in the middle of a write cannot clean up after itself.
    if (!inProcess || runSignal.aborted) await removeTempFiles(dest, request.tempTag);
  }
  if (present && (runSignal.aborted || poolBroke)) await creditSavedFlags(results, dest, present);
  results.sort((a, b) => (a.cc < b.cc ? -1 : a.cc > b.cc ? 1 : 0));
  return {
    results,
    counts: countResults(results),
    executor,
    concurrency,
    elapsedMs: performance.now() - started,
    interrupted: signal?.aborted ?? false,
    ...(stopped !== undefined && { stopped }),
  };
}

/**
 * A pool worker ended by an abort or a broken pool may have saved its flag just before: the
 * file is there and complete (saves are atomic) although its result never came back. Count
 * it as ok.
 */
async function creditSavedFlags(results: FlagResult[], dest: string, before: Set<string>): Promise<void> {
  const now = await existingFlags(dest);
  for (const [index, result] of results.entries()) {
    const name = flagFileName(result.cc);
    // Cancelled, or lost with its worker (no attempt came back).
    const unsettled = result.status === "cancelled" || (result.status === "error" && result.attempts === 0);
    if (!unsettled || before.has(name) || !now.has(name)) continue;
    const size = fileSize(join(dest, name));
    if (size !== undefined) results[index] = { ...result, status: "ok", bytes: size };
  }
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
