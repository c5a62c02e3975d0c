// Calls waiting out their backoff before another attempt. A failed call whose policy allows
// it (retry-policy.ts) leaves Redis, its future goes back to pending (so cancel() works, and
// an abort or shutdown({ cancelFutures }) cancels it as a held call), and when its backoff ends
// it is held again, to be sent as a new job. Each job is still run at most once: a retry is
// the producer's new job, never BullMQ's attempts.
//
// After shutdown() no backoff is waited for: a waiting call is held again at once, and a later
// failure is retried at once, so shutdown waits for the attempts left, never for a timer.
import type { ExecutorLifecycle } from "../executor-lifecycle.ts";
import { kPendingAgain } from "../future.ts";
import type { Call } from "./call-table.ts";

export class CallRetries {
  /** Broken: nothing is retried. Idle: told when a cancelled call stops waiting. */
  readonly #lifecycle: ExecutorLifecycle;
  /** The call will be retried: name its next job (before it is held again, even at once). */
  readonly #renamed: (call: Call) => void;
  /** The backoff ended: hold the call again and send it when there is room. */
  readonly #retry: (call: Call) => void;
  readonly #waiting = new Map<Call, NodeJS.Timeout>();
  #hurried = false;
  /** shutdown({ cancelFutures }) or terminateWorkers(): no more attempts at all. */
  #cancelling = false;

  constructor(lifecycle: ExecutorLifecycle, renamed: (call: Call) => void, retry: (call: Call) => void) {
    this.#lifecycle = lifecycle;
    this.#renamed = renamed;
    this.#retry = retry;
  }

  /** The call of this id, if it waits out a backoff (a scan: for attach(), which is rare). */
  find(id: string): Call | undefined {
    for (const call of this.#waiting.keys()) if (call.id === id) return call;
    return undefined;
  }

  /** Calls waiting out a backoff. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * A call's attempt failed with `error` (the call has left Redis). Returns true when it will
   * be tried again; false when the failure is its outcome.
   */
  offer(call: Call, error: unknown): boolean {
    const policy = call.retry;
    if (!policy || call.attempts > policy.retries || call.stopped || call.signal?.aborted) return false;
    if (this.#lifecycle.isBroken || this.#cancelling || !policy.matches(error)) return false;
    call.future[kPendingAgain](() => this.#cancelled(call));
    this.#renamed(call);
    if (this.#hurried) {
      // Held again now, not on a timer: the call never leaves the executor's books, so the
      // reconciler (which stops once a shut-down executor has nothing in Redis) goes on.
      this.#retry(call);
      return true;
    }
    const delay = policy.backoff(call.attempts);
    const timer = setTimeout(() => {
      this.#waiting.delete(call);
      this.#retry(call);
    }, delay);
    // A backoff alone never keeps the process alive: the executor's connections do until shutdown.
    timer.unref();
    this.#waiting.set(call, timer);
    return true;
  }

  /**
   * shutdown(): end every backoff now and wait for none from here on; with `cancel`
   * (cancelFutures, terminateWorkers()), cancel the waiting calls instead.
   */
  shutDown(cancel: boolean): void {
    this.#hurried = true;
    this.#cancelling ||= cancel;
    for (const [call, timer] of this.#waiting) {
      if (cancel) {
        call.future.cancel(); // and #cancelled() forgets it
        continue;
      }
      clearTimeout(timer);
      this.#waiting.delete(call);
      this.#retry(call);
    }
  }

  /** Fail every waiting call (the executor broke). */
  failAll(error: () => Error): void {
    for (const [call, timer] of this.#waiting) {
      clearTimeout(timer);
      call.future.setException(error());
    }
    this.#waiting.clear();
  }

  /** Its future was cancelled while it waited: no more attempts. */
  #cancelled(call: Call): void {
    const timer = this.#waiting.get(call);
    if (timer === undefined) return; // held again already: the window skips a cancelled call
    clearTimeout(timer);
    this.#waiting.delete(call);
    this.#lifecycle.notifyIdle();
  }
}
