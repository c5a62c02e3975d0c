// How long to wait before retrying, as curl does for `--retry N`: exponential backoff from
// about 1 s, capped, with jitter so that many clients failing together do not come back
// together, and a server's Retry-After honoured.
import { setTimeout as sleep } from "node:timers/promises";

export interface BackoffOptions {
  /** Milliseconds before the first retry (jitter moves it by up to a quarter either way). */
  baseDelay: number;
  /** No backoff wait is longer than this. */
  maxDelay: number;
  /**
   * The longest Retry-After honoured, in milliseconds; a server asking for more is not retried
   * (default: 60 s).
   */
  maxRetryAfter?: number | undefined;
}

/** The command's schedule: about 1, 2, 4, 8 s, then 10 s; Retry-After up to 60 s. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseDelay: 1000,
  maxDelay: 10_000,
  maxRetryAfter: 60_000,
};

/** Wait before retry number `retry` (0 for the first): the doubled delay, ±25% at random, capped. */
export function backoffDelay(
  retry: number,
  { baseDelay, maxDelay }: BackoffOptions,
  random = Math.random,
): number {
  const ceiling = baseDelay * 2 ** retry;
  return Math.min(maxDelay, ceiling * (0.75 + random() * 0.5));
}

/**
 * The wait before a retry: the backoff, or longer when the server said so with Retry-After.
 * Undefined when the server asks for more than `maxRetryAfter`: then it is not retried.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random = Math.random,
): number | undefined {
  const backoff = backoffDelay(retry, options, random);
  if (retryAfterMs === undefined) return backoff;
  if (retryAfterMs > (options.maxRetryAfter ?? DEFAULT_BACKOFF.maxRetryAfter)) return undefined;
  return Math.max(backoff, retryAfterMs);
}

/** A Retry-After header in milliseconds from `now`: seconds or an HTTP date; undefined if neither. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sleep `ms`, rejecting with the signal's reason if it aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}
