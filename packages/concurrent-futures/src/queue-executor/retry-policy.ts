// What a QueueExecutor call may be retried for, and how long it waits first: the options
// `retries`, `backoff` and `retryOn` checked and merged (a call's own over the executor's),
// the match of an error against retryOn, and the backoff formula with its jitter.
import { inspect } from "node:util";
import { checkInteger } from "../validate.ts";

/** Milliseconds before the first retry, and the most any retry waits, unless told. */
const DEFAULT_DELAY = 1_000;
const DEFAULT_MAX = 30_000;
/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Which failures are worth another attempt: a predicate, or error names and codes. */
export type RetryOn = ((error: unknown) => boolean) | readonly string[];

/** How long a retry waits: `delay` ms doubled after every attempt, at most `max` ms, with jitter. */
export interface Backoff {
  /** Milliseconds before the first retry (default 1,000; 0: no wait). */
  delay?: number | undefined;
  /** The most any retry waits, in milliseconds (default 30,000). */
  max?: number | undefined;
}

export interface RetryOptions {
  /** Attempts after the first, for failures that match retryOn (default 0: at most once). */
  retries?: number | undefined;
  /** A number is the delay before the first retry, in ms; see Backoff. */
  backoff?: number | Backoff | undefined;
  /**
   * Failures worth retrying (needed with retries): a predicate of the error, or a list matched
   * against the error's `name` and `code` ("WorkerLostError", "ERR_FUTURES_WORKER_LOST", "ECONNRESET").
   */
  retryOn?: RetryOn | undefined;
}

/** The checked policy of one call. */
export class RetryPolicy {
  readonly retries: number;
  readonly delay: number;
  readonly max: number;
  readonly #matches: (error: unknown) => boolean;

  private constructor(retries: number, delay: number, max: number, matches: (error: unknown) => boolean) {
    this.retries = retries;
    this.delay = delay;
    this.max = max;
    this.#matches = matches;
  }

  /**
   * The policy of a call: its own options over the executor's defaults; undefined when it is
   * never retried. TypeError for a wrong type, RangeError out of range.
   */
  static of(call: RetryOptions, defaults: RetryOptions = {}): RetryPolicy | undefined {
    const retries = checkInteger("retries", call.retries ?? defaults.retries ?? 0, 0);
    const backoff = call.backoff ?? defaults.backoff;
    const given = typeof backoff === "number" ? { delay: backoff } : checkBackoff(backoff);
    const delay = given.delay ?? DEFAULT_DELAY;
    checkMs("backoff delay", delay);
    // Without a max of its own, a delay above the default max is its own max.
    const max = given.max ?? Math.max(DEFAULT_MAX, delay);
    checkMs("backoff max", max);
    if (max < delay) throw new RangeError(`backoff max (${max} ms) must be at least its delay (${delay} ms)`);
    const retryOn = call.retryOn ?? defaults.retryOn;
    const matches = retryOn === undefined ? undefined : matcher(retryOn);
    if (retries === 0) return undefined;
    if (matches === undefined) {
      throw new TypeError(
        "retries needs retryOn: the failures worth another attempt, as error names or codes " +
          '(such as ["WorkerLostError"]) or a predicate; nothing is retried unless named',
      );
    }
    return new RetryPolicy(retries, delay, max, matches);
  }

  /** Whether a call's options say anything of retries (else the executor's policy holds). */
  static given(options: RetryOptions): boolean {
    return options.retries !== undefined || options.backoff !== undefined || options.retryOn !== undefined;
  }

  /** Whether `error` is worth another attempt. A predicate that throws says no, with a warning. */
  matches(error: unknown): boolean {
    try {
      return Boolean(this.#matches(error)); // a JavaScript predicate may answer truthy
    } catch (thrown) {
      process.emitWarning(`retryOn threw, so the call is not retried: ${inspect(thrown)}`, {
        code: "FUTURES_RETRY_ON_THREW",
      });
      return false;
    }
  }

  /**
   * Milliseconds to wait before retry number `n` (1 for the first): with d = min(max, delay *
   * 2^(n-1)), a uniform random time between d/2 and d ("equal jitter"), so calls that failed
   * together do not all come back at once.
   */
  backoff(n: number, random = Math.random): number {
    const full = Math.min(this.max, this.delay * 2 ** (n - 1));
    return Math.round(full / 2 + random() * (full / 2));
  }
}

function checkBackoff(backoff: unknown): Backoff {
  if (backoff === undefined) return {};
  if (typeof backoff !== "object" || backoff === null || Array.isArray(backoff)) {
    throw new TypeError(
      `backoff must be a number of milliseconds or { delay, max }, got ${inspect(backoff)}`,
    );
  }
  return backoff as Backoff;
}

function checkMs(name: string, value: unknown): void {
  if (typeof value !== "number")
    throw new TypeError(`${name} must be a number of milliseconds, got ${inspect(value)}`);
  if (!(value >= 0 && value <= MAX_TIMER_MS)) {
    throw new RangeError(`${name} must be from 0 to ${MAX_TIMER_MS} ms, got ${value}`);
  }
}

function matcher(retryOn: unknown): (error: unknown) => boolean {
  if (typeof retryOn === "function") return retryOn as (error: unknown) => boolean;
  const names = Array.isArray(retryOn) && retryOn.every((item) => typeof item === "string" && item !== "");
  if (!names || retryOn.length === 0) {
    throw new TypeError(
      `retryOn must be a predicate or a non-empty list of error names and codes, got ${inspect(retryOn, { depth: 1 })}`,
    );
  }
  const named = new Set<string>(retryOn as string[]);
  return (error) => {
    if (typeof error !== "object" || error === null) return false;
    const { name, code } = error as { name?: unknown; code?: unknown };
    return (typeof name === "string" && named.has(name)) || (typeof code === "string" && named.has(code));
  };
}
