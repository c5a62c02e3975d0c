// Bounded waits for the queue's closing steps, which must end even when Redis is gone.
import type { RedisClient } from "./redis-target.ts";

/** Wait for `promise` to settle, at most `ms`: closing steps must end even with Redis gone. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

/** Wait for `promise` to settle, or until the connection `redis` closes (Redis lost). */
export function untilClosed(redis: RedisClient, promise: Promise<unknown> | undefined): Promise<void> {
  if (!promise) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      redis.off("close", done);
      resolve();
    };
    redis.once("close", done);
    promise.then(done, done);
  });
}
