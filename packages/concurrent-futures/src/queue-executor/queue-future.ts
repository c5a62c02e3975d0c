// The Future a QueueExecutor gives: a Future that also carries its call's id, stable across
// retries and producers (attach() gives a future for it in another process), and tells how
// many attempts its call had, for calls that may be retried (submitWith's `retries`).
import { Future } from "../future.ts";

const kAttempt = Symbol("futures.attempt");
const kId = Symbol("futures.callId");

export class QueueFuture<T = unknown> extends Future<T> {
  #attempts = 0;
  #id = "";

  /**
   * The call's id in Redis, the same across its retries: keep it to attach to the call from
   * another executor, in this process or another (QueueExecutor#attach). Empty for a call that
   * never reached the executor's table: cancelled by an aborted signal, or its arguments refused.
   */
  get id(): string {
    return this.#id;
  }

  [kId](id: string): void {
    this.#id = id;
  }

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

/** Give the future of a call its id (map()'s chunk futures have none). */
export function nameCall(future: Future<unknown>, id: string): void {
  if (future instanceof QueueFuture) future[kId](id);
}

/** A new attempt of the call of `future` went to Redis (map()'s chunk futures keep no count). */
export function countAttempt(future: Future<unknown>): void {
  if (future instanceof QueueFuture) future[kAttempt]();
}
