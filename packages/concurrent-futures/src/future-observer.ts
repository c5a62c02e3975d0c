// How an executor follows its own futures: each change of state a Future goes through is
// told to the observer its executor gave it at submit, with the executor's record of that
// call, so that every path to an outcome (a worker's answer, a cancel, a broken pool) is
// counted in one place (call-stats.ts) without a callback per future.

/** Future[kObserve](observer, call): follow this future from now on. */
export const kObserve = Symbol("futures.observe");

/** What an executor learns of its futures' changes of state, about its own record of the call. */
export interface FutureObserver<C> {
  /** Pending -> running. */
  started(call: C): void;
  /** Pending or running -> finished. */
  finished(call: C, failed: boolean, error: unknown, wasRunning: boolean): void;
  /** Pending -> cancelled, or running -> cancelled for a queue's call that never started. */
  cancelled(call: C, wasRunning: boolean): void;
  /** Running -> pending: a queue's call waiting to be retried. */
  pendingAgain(call: C): void;
}
