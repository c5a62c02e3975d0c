// The same download-one step on each executor: a plain loop for sequential, submit +
// asCompleted for the event loop, threads and processes (the book's flags2 programs).
import type { Executor } from "concurrent-futures";
import { asCompleted, type CompletedFuture } from "concurrent-futures";
import { downloadFlag, downloadOne, type DownloadRequest } from "./download-one.ts";
import { cancelledResult, type FlagResult } from "./flag-result.ts";
import type { HttpClient } from "./http-get.ts";

export type ResultSink = (result: FlagResult) => void;

export async function runSequential(
  codes: readonly string[],
  request: DownloadRequest,
  signal: AbortSignal | undefined,
  sink: ResultSink,
  client?: HttpClient,
): Promise<void> {
  for (const cc of codes) {
    if (signal?.aborted) sink(cancelledResult(cc));
    else sink(await settle(downloadFlag(cc, request, signal, client), cc, signal));
  }
}

/**
 * Submit every code, then take the results as they complete. `client` is given when the
 * executor runs in this thread; a pool's workers use their own.
 */
export async function runOnExecutor(
  executor: Executor,
  codes: readonly string[],
  request: DownloadRequest,
  signal: AbortSignal | undefined,
  sink: ResultSink,
  client?: HttpClient,
): Promise<void> {
  // Aborting cancels what waits in the queue. What runs stops too: in this thread the
  // download takes the signal itself and aborts its request; a pool needs the task, which it
  // imports by reference, and is given the signal with each submit to end that worker.
  const cancelPending = (): void => void executor.shutdown({ cancelFutures: true, wait: false });
  signal?.addEventListener("abort", cancelPending, { once: true });
  try {
    const inThisThread = (cc: string, req: DownloadRequest): Promise<FlagResult> =>
      downloadFlag(cc, req, signal, client);
    const fn = client ? inThisThread : downloadOne;
    const options = { signal: client ? undefined : signal };
    const toDo = new Map<CompletedFuture<FlagResult>, string>();
    const futures = codes.map((cc) => {
      const future = executor.submitWith(options, fn, cc, request);
      toDo.set(future, cc);
      return future;
    });
    for await (const future of asCompleted(futures)) {
      const cc = toDo.get(future)!;
      sink(future.cancelled() ? cancelledResult(cc) : await settle(future.result(), cc, signal));
    }
  } finally {
    signal?.removeEventListener("abort", cancelPending);
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
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
