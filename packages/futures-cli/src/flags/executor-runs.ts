// The same download-one step on each executor: a plain loop for sequential, submit +
// asCompleted for the event loop, threads and processes (the book's flags2 programs).
import type { Executor } from "concurrent-futures";
import { BrokenExecutor, asCompleted, type CompletedFuture } from "concurrent-futures";
import { downloadFlag, type DownloadRequest, type RetryListener } from "./download-one.ts";
import { downloadOne } from "./download-task.ts";
import { cancelledResult, type FlagResult } from "./flag-result.ts";
import type { HttpClient } from "./http-get.ts";

export type ResultSink = (result: FlagResult) => void;

/** One run of downloads: the codes, the request they share, and where results go. */
export interface DownloadRun {
  codes: readonly string[];
  request: DownloadRequest;
  /** Aborting cancels what is pending and aborts what is in flight. */
  signal?: AbortSignal | undefined;
  /** Told of each code as it is settled, in completion order. */
  sink: ResultSink;
  /** Connections of this thread; given when the executor runs here, a pool's workers use their own. */
  client?: HttpClient | undefined;
  onRetry?: RetryListener | undefined;
  /** How errors name the executor when it breaks ("process pool"). */
  poolNoun?: string | undefined;
}

export async function runSequential({
  codes,
  request,
  signal,
  sink,
  client,
  onRetry,
}: DownloadRun): Promise<void> {
  for (const cc of codes) {
    if (signal?.aborted) sink(cancelledResult(cc));
    else sink(await settle(downloadFlag(cc, request, signal, client, onRetry), cc, signal));
  }
}

/** Why a pool broke, and the codes it took down with it. */
export interface PoolBreak {
  /** The pool's own words: "A process in the pool was terminated abruptly ... (killed by SIGKILL)". */
  reason: string;
}

/** Submit every code, then take the results as they complete. Returns how the pool broke, if it did. */
export async function runOnExecutor(
  executor: Executor & { readonly maxWorkers: number },
  { codes, request, signal, sink, client, onRetry, poolNoun = "pool" }: DownloadRun,
): Promise<PoolBreak | undefined> {
  // Aborting cancels what waits in the queue. What runs stops too: in this thread the
  // download takes the signal itself and aborts its request; a pool needs the task, which it
  // imports by reference, and is given the signal with each submit to end that worker. A
  // pool whose workers run several downloads at once runs a call with a signal alone in its
  // worker: it is given none, and an abort ends all its workers instead.
  const callsPerWorker = (executor as { concurrentCallsPerWorker?: number }).concurrentCallsPerWorker ?? 1;
  const endWorkers = !client && callsPerWorker > 1;
  const cancelPending = (): void =>
    void (endWorkers ? executor.terminateWorkers() : executor.shutdown({ cancelFutures: true, wait: false }));
  signal?.addEventListener("abort", cancelPending, { once: true });
  const broken: { index: number; cc: string }[] = [];
  let poolBreak: PoolBreak | undefined;
  try {
    const inThisThread = (cc: string, req: DownloadRequest): Promise<FlagResult> =>
      downloadFlag(cc, req, signal, client, onRetry);
    const fn = client ? inThisThread : downloadOne;
    const options = { signal: client || endWorkers ? undefined : signal };
    const toDo = new Map<CompletedFuture<FlagResult>, number>();
    const futures = codes.map((cc, index) => {
      const future = executor.submitWith(options, fn, cc, request);
      toDo.set(future, index);
      return future;
    });
    // Aborted while the pool started, before the listener: cancelled now that every call is
    // in (a pool shut down first would refuse the submits).
    if (signal?.aborted) cancelPending();
    for await (const future of asCompleted(futures)) {
      const index = toDo.get(future)!;
      const cc = codes[index]!;
      if (future.cancelled()) {
        sink(cancelledResult(cc));
        continue;
      }
      const error = signal?.aborted ? undefined : await future.exception();
      if (error instanceof BrokenExecutor) {
        poolBreak ??= { reason: error.message };
        broken.push({ index, cc });
      } else sink(await settle(future.result(), cc, signal));
    }
  } finally {
    signal?.removeEventListener("abort", cancelPending);
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
  // The pool runs its queue in order, so the codes a worker had when it broke are the first
  // ones of those it failed, at most callsPerWorker per worker; the others never started.
  broken.sort((a, b) => a.index - b.index);
  for (const [n, { cc }] of broken.entries()) {
    if (n < executor.maxWorkers * callsPerWorker) {
      const reason = `the ${poolNoun} broke while it ran`;
      sink({ cc, status: "error", error: reason, attempts: 0, bytes: 0, elapsedMs: 0 });
    } else sink(cancelledResult(cc));
  }
  return poolBreak;
}

/** A download's result; an abort makes it "cancelled", any other failure an "error" naming it. */
async function settle(
  outcome: PromiseLike<FlagResult>,
  cc: string,
  signal: AbortSignal | undefined,
): Promise<FlagResult> {
  try {
    return await outcome;
  } catch (error) {
    if (signal?.aborted) return cancelledResult(cc);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { cc, status: "error", error: reason, attempts: 0, bytes: 0, elapsedMs: 0 };
  }
}
