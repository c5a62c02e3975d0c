// How long to wait before retrying: exponential backoff with jitter, so that many clients
// failing together do not come back together.
import { setTimeout as sleep } from "node:timers/promises";

export interface BackoffOptions {
  /** Milliseconds before the first retry (about; jitter takes up to half of it away). */
  baseDelay: number;
  /** No wait is longer than this. */
  maxDelay: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelay: 100, maxDelay: 2000 };

/** Wait before retry number `retry` (0 for the first): half fixed, half random ("equal jitter"). */
export function backoffDelay(
  retry: number,
  { baseDelay, maxDelay }: BackoffOptions,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelay, baseDelay * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Sleep `ms`, rejecting with the signal's reason if it aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}
