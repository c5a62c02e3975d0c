// Future: the state machine of Python's concurrent.futures, made awaitable.
//
// PENDING -> RUNNING -> FINISHED, or PENDING -> CANCELLED; RUNNING -> PENDING only for a
// queue's call waiting to be retried. The executor drives the transitions with
// setRunningOrNotifyCancel(), setResult() and setException(); users observe them with
// done(), result(), addDoneCallback() or `await future`.
//
// No promise is created until somebody awaits, so a failed future that nobody looks
// at can never become an unhandled rejection.
import { CancelledError, InvalidStateError, TimeoutError } from "./errors.ts";
import { kObserve, type FutureObserver } from "./future-observer.ts";
import { checkTimeout } from "./validate.ts";

export type FutureState = "pending" | "running" | "cancelled" | "finished";

/** A done callback; what it returns is ignored, but for a promise whose rejection is reported like a throw. */
export type DoneCallback<T> = (future: Future<T>) => unknown;

type Waiter = (future: Future<any>) => void;

export interface TimeoutOptions {
  /** Milliseconds to wait; undefined or Infinity waits for ever, a negative number not at all. */
  timeout?: number | undefined;
}

/** Listeners for wait() and asCompleted(); unlike done callbacks they can be removed. */
export const kAddWaiter = Symbol("futures.addWaiter");
export const kRemoveWaiter = Symbol("futures.removeWaiter");
/** True when the future finished by raising; a synchronous peek for wait(). */
export const kFailed = Symbol("futures.failed");
/**
 * For QueueExecutor: cancel a running future whose call never started after all, a job
 * withdrawn from Redis before any worker took it (its future runs from the moment it is queued
 * remotely, as Python marks call-queue items running).
 */
export const kCancelUnstarted = Symbol("futures.cancelUnstarted");
/**
 * For pools: called once when a pending future is cancelled, so that a call already sent to
 * a worker (and not started) can be skipped there. Forgotten once the future runs or ends.
 */
export const kOnCancel = Symbol("futures.onCancel");
/**
 * For QueueExecutor's retries: a running future whose attempt failed goes back to pending while
 * it waits to be tried again (nothing of it runs anywhere), so cancel() works again;
 * `onCancel` is called if it does.
 */
export const kPendingAgain = Symbol("futures.pendingAgain");

/** How a callback's error is reported; replaceable so tests can observe it. */
let reportCallbackError = (error: unknown, future: Future<unknown>): void => {
  console.error(`exception calling callback for ${future}:`, error);
};

type CallbackErrorReporter = (error: unknown, future: Future<unknown>) => void;

/**
 * Replace how failing done callbacks (a throw, or a rejection of the promise one returned) are
 * reported; returns the previous reporter.
 */
export function setCallbackErrorReporter(fn: CallbackErrorReporter): CallbackErrorReporter {
  const previous = reportCallbackError;
  reportCallbackError = fn;
  return previous;
}

export class Future<T = unknown> implements PromiseLike<T> {
  #state: FutureState = "pending";
  #result: T | undefined;
  #error: unknown;
  #failed = false;
  // Allocated on first use: most futures are awaited once and never waited on.
  #callbacks: DoneCallback<any>[] | undefined;
  // One waiter is the common case (one wait() or asCompleted() per future): no Set for it.
  #waiters: Waiter | Set<Waiter> | undefined;
  #onCancel: (() => void) | undefined;
  #observer: FutureObserver<any> | undefined;
  #call: unknown;

  /** Attempt to cancel. A running or finished future cannot be cancelled. */
  cancel(): boolean {
    if (this.#state === "running" || this.#state === "finished") return false;
    if (this.#state === "cancelled") return true;
    this.#state = "cancelled";
    const onCancel = this.#onCancel;
    this.#onCancel = undefined;
    onCancel?.();
    this.#observer?.cancelled(this.#call, false);
    this.#notify();
    return true;
  }

  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  running(): boolean {
    return this.#state === "running";
  }

  done(): boolean {
    return this.#state === "cancelled" || this.#state === "finished";
  }

  get state(): FutureState {
    return this.#state;
  }

  /** The result, waiting at most `timeout` ms; rejects with the task's error, CancelledError or TimeoutError. */
  result(options?: TimeoutOptions): Promise<T> {
    return this.#whenDone(options?.timeout, () => {
      if (this.#state === "cancelled") throw new CancelledError();
      if (this.#failed) throw this.#error;
      return this.#result as T;
    });
  }

  /** The error the task raised, or undefined when it succeeded. */
  exception(options?: TimeoutOptions): Promise<unknown> {
    return this.#whenDone(options?.timeout, () => {
      if (this.#state === "cancelled") throw new CancelledError();
      return this.#failed ? this.#error : undefined;
    });
  }

  /** Call `fn(future)` when the future is done, at once when it already is. */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (this.done()) this.#invoke(fn);
    else (this.#callbacks ??= []).push(fn);
  }

  /** For executors: mark running, or return false when the future was cancelled meanwhile. */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === "cancelled") return false;
    if (this.#state === "pending") {
      this.#state = "running";
      this.#onCancel = undefined;
      this.#observer?.started(this.#call);
      return true;
    }
    throw new InvalidStateError(`future in unexpected state: ${this.#state}`);
  }

  setResult(value: T): void {
    const wasRunning = this.#finish();
    this.#result = value;
    this.#observer?.finished(this.#call, false, undefined, wasRunning);
    this.#notify();
  }

  setException(error: unknown): void {
    const wasRunning = this.#finish();
    this.#failed = true;
    this.#error = error;
    this.#observer?.finished(this.#call, true, error, wasRunning);
    this.#notify();
  }

  [kCancelUnstarted](): void {
    if (this.#state !== "running") throw new InvalidStateError(`${this} is not running`);
    this.#state = "cancelled";
    this.#observer?.cancelled(this.#call, true);
    this.#notify();
  }

  [kPendingAgain](onCancel: () => void): void {
    if (this.#state !== "running") throw new InvalidStateError(`${this} is not running`);
    this.#state = "pending";
    this.#onCancel = onCancel;
    this.#observer?.pendingAgain(this.#call);
  }

  /** Tell `observer` of every later change of state, naming `call`. */
  [kObserve]<C>(observer: FutureObserver<C>, call: C): void {
    this.#observer = observer;
    this.#call = call;
  }

  [kOnCancel](fn: (() => void) | undefined): void {
    this.#onCancel = fn;
  }

  [kFailed](): boolean {
    return this.#failed;
  }

  [kAddWaiter](waiter: Waiter): void {
    const waiters = this.#waiters;
    if (waiters === undefined) this.#waiters = waiter;
    else if (typeof waiters === "function") {
      if (waiters !== waiter) this.#waiters = new Set([waiters, waiter]);
    } else waiters.add(waiter);
  }

  [kRemoveWaiter](waiter: Waiter): void {
    const waiters = this.#waiters;
    if (waiters === waiter) this.#waiters = undefined;
    else if (typeof waiters === "object") waiters.delete(waiter);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onfulfilled, onrejected);
  }

  toString(): string {
    if (this.#state !== "finished") return `Future<state=${this.#state}>`;
    if (this.#failed) return `Future<state=finished raised ${errorName(this.#error)}>`;
    return `Future<state=finished returned ${typeName(this.#result)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Whether it was running. */
  #finish(): boolean {
    if (this.done()) throw new InvalidStateError(`${this} cannot be set again`);
    const wasRunning = this.#state === "running";
    this.#state = "finished";
    this.#onCancel = undefined;
    return wasRunning;
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (typeof waiters === "function") waiters(this);
    else if (waiters) for (const waiter of waiters) waiter(this);
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const fn of callbacks) this.#invoke(fn);
  }

  #invoke(fn: DoneCallback<T>): void {
    try {
      const returned: unknown = fn(this);
      // An async callback fails by rejecting: report it as a throw, never as an unhandled rejection.
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
        (returned as PromiseLike<unknown>).then(undefined, (error: unknown) =>
          reportCallbackError(error, this as Future<unknown>),
        );
      }
    } catch (error) {
      reportCallbackError(error, this as Future<unknown>);
    }
  }

  /** Settle with `read()` once done, or reject with TimeoutError after `timeout` ms. */
  #whenDone<R>(timeoutOption: number | undefined, read: () => R): Promise<R> {
    let timeout: number | undefined;
    try {
      timeout = checkTimeout(timeoutOption);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.done()) return settleWith(read);
    return new Promise<R>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        try {
          resolve(read());
        } catch (error) {
          reject(error);
        }
      };
      this[kAddWaiter](waiter);
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this[kRemoveWaiter](waiter);
          reject(new TimeoutError(`future not done after ${timeoutOption} ms`));
        }, timeout);
      }
    });
  }
}

function settleWith<R>(read: () => R): Promise<R> {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(error);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeName(error);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "Object";
  return typeof value;
}
