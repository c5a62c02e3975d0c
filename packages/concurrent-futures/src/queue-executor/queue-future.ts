// The Future a QueueExecutor gives: a Future that also tells how many attempts its call had,
// for calls that may be retried (submitWith's `retries`).
import { Future } from "../future.ts";

const kAttempt = Symbol("futures.attempt");

export class QueueFuture<T = unknown> extends Future<T> {
  #attempts = 0;

  /**
   * Jobs sent to Redis for this call so far, one per attempt: 0 while the executor holds it
   * before its first, 1 once its first job goes to Redis (the future then runs), 2 once its
   * first retry does, and so on.
   */
  get attempts(): number {
    return this.#attempts;
  }

  [kAttempt](): void {
    this.#attempts++;
  }
}

/** A new attempt of the call of `future` went to Redis (map()'s chunk futures keep no count). */
export function countAttempt(future: Future<unknown>): void {
  if (future instanceof QueueFuture) future[kAttempt]();
}
