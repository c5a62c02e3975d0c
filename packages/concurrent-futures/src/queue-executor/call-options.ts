// What submitWith() takes on a queue beyond the Executor contract's options: BullMQ's
// priority and the retry options, checked (TypeError for a wrong type, RangeError out of range)
// and merged with the executor's defaults into what a call carries.
import type { SubmitOptions } from "../executor.ts";
import { checkSignal } from "../validate.ts";
import { RetryPolicy, type RetryOptions } from "./retry-policy.ts";

/** BullMQ's highest priority number (its PRIORITY_LIMIT, 2^21 - 1); 1 runs first. */
export const LOWEST_PRIORITY = 2 ** 21 - 1;

export interface QueueSubmitOptions extends SubmitOptions, RetryOptions {
  /**
   * BullMQ's priority, an integer from 1 (runs first) to 2,097,151 (runs last); undefined for
   * none, which BullMQ runs before every prioritized job. Prioritized jobs cost Redis O(log n).
   */
  priority?: number | undefined;
}

/** What the executor's options say for every call that does not say otherwise. */
export interface CallDefaults {
  priority: number;
  retry: RetryPolicy | undefined;
  retryOptions: RetryOptions;
}

/** The executor-wide defaults, checked. */
export function callDefaults(options: RetryOptions & { priority?: number | undefined }): CallDefaults {
  const { retries, backoff, retryOn, priority } = options;
  const retryOptions = { retries, backoff, retryOn };
  return { priority: checkPriority(priority), retry: RetryPolicy.of({}, retryOptions), retryOptions };
}

/** A call's options, checked, over the defaults. */
export function callOptions(options: QueueSubmitOptions, defaults: CallDefaults) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`submitWith needs an options object, got ${String(options)}`);
  }
  return {
    signal: checkSignal(options.signal),
    priority: options.priority === undefined ? defaults.priority : checkPriority(options.priority),
    retry: RetryPolicy.given(options) ? RetryPolicy.of(options, defaults.retryOptions) : defaults.retry,
  };
}

/** A priority as BullMQ stores it: 0 for none. */
function checkPriority(priority: unknown): number {
  if (priority === undefined) return 0;
  if (typeof priority !== "number") throw new TypeError(`priority must be a number, got ${typeof priority}`);
  if (!Number.isInteger(priority) || priority < 1 || priority > LOWEST_PRIORITY) {
    throw new RangeError(`priority must be an integer from 1 (first) to ${LOWEST_PRIORITY}, got ${priority}`);
  }
  return priority;
}
