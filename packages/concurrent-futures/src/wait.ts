// asCompleted and wait: watch futures from any executors finish.
import { TimeoutError } from "./errors.ts";
import { Fifo } from "./fifo.ts";
import { Future, kAddWaiter, kFailed, kRemoveWaiter } from "./future.ts";
import { checkChoice, checkTimeout } from "./validate.ts";

export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";
export const FIRST_COMPLETED = "FIRST_COMPLETED";
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
export const ALL_COMPLETED = "ALL_COMPLETED";

export interface AsCompletedOptions {
  /** Milliseconds from the call after which the iterator throws TimeoutError. */
  timeout?: number | undefined;
}

export interface WaitOptions {
  timeout?: number | undefined;
  returnWhen?: ReturnWhen | undefined;
}

export interface DoneAndNotDone<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

/**
 * A future as asCompleted() yields it. TypeScript types a `for await` variable as the
 * awaited value, which for a Future would be its result; without `then` in the type, the
 * loop variable keeps the Future's methods. Read it with `await future.result()`.
 */
export type CompletedFuture<T> = Omit<Future<T>, "then">;

/**
 * The result type of a future, spread over a union: futures of different types passed
 * together to wait() or asCompleted() give the union of their result types.
 */
export type FutureResult<F> = F extends Future<infer T> ? T : never;

/**
 * Yield each future as it finishes (or is cancelled): those already done first, then in
 * completion order. Duplicates are yielded once. The timeout counts from this call.
 *
 * Not an async generator: a generator awaits what it yields, and a Future is awaitable,
 * so it would hand out results instead of futures.
 */
export function asCompleted<F extends Future<any>>(
  futures: Iterable<F>,
  { timeout }: AsCompletedOptions = {},
): AsyncIterableIterator<CompletedFuture<FutureResult<F>>> {
  return new CompletionIterator(futures, checkTimeout(timeout));
}

interface Sleeper {
  wake(arrived: boolean): void;
  /** Already woken, by a finished future or by its own deadline. */
  woken: boolean;
}

/** Constant work per future: a Fifo of finished ones and a Set of pending ones. */
class CompletionIterator<T> implements AsyncIterableIterator<CompletedFuture<T>> {
  readonly #finished = new Fifo<Future<T>>();
  readonly #pending = new Set<Future<T>>();
  readonly #total: number;
  readonly #deadline: number | undefined;
  /** Waiting next() calls, oldest first: the protocol allows several at once. */
  readonly #sleepers = new Fifo<Sleeper>();

  constructor(futures: Iterable<Future<T>>, timeout: number | undefined) {
    this.#deadline = timeout === undefined ? undefined : performance.now() + timeout;
    const all = new Set(futures);
    this.#total = all.size;
    for (const future of all) {
      if (future.done()) this.#finished.push(future);
      else {
        this.#pending.add(future);
        future[kAddWaiter](this.#onDone);
      }
    }
  }

  readonly #onDone = (future: Future<T>): void => {
    future[kRemoveWaiter](this.#onDone);
    if (!this.#pending.delete(future)) return;
    this.#finished.push(future);
    // The last one wakes every waiting next(): those that find nothing left end the iteration.
    if (this.#pending.size === 0) this.#wakeAll();
    else {
      for (let sleeper = this.#sleepers.shift(); sleeper; sleeper = this.#sleepers.shift()) {
        if (sleeper.woken) continue; // its deadline passed already
        sleeper.wake(true);
        break;
      }
    }
  };

  async next(): Promise<IteratorResult<CompletedFuture<T>, undefined>> {
    for (;;) {
      const future = this.#finished.shift();
      if (future) return { done: false, value: future };
      if (this.#pending.size === 0) return { done: true, value: undefined };
      if (!(await this.#sleep()) && this.#finished.length === 0 && this.#pending.size > 0) {
        const unfinished = this.#pending.size;
        this.#stop();
        throw new TimeoutError(`${unfinished} (of ${this.#total}) futures unfinished`);
      }
    }
  }

  async return(): Promise<IteratorResult<CompletedFuture<T>, undefined>> {
    this.#stop();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Forget every future and end every waiting next(). */
  #stop(): void {
    for (const future of this.#pending) future[kRemoveWaiter](this.#onDone);
    this.#pending.clear();
    this.#finished.clear();
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const sleeper of this.#sleepers.drain()) if (!sleeper.woken) sleeper.wake(true);
  }

  /** Resolve true when woken by a finished future, false when the deadline passes first. */
  #sleep(): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const sleeper: Sleeper = {
        woken: false,
        wake: (arrived) => {
          sleeper.woken = true;
          clearTimeout(timer);
          resolve(arrived);
        },
      };
      this.#sleepers.push(sleeper);
      if (this.#deadline !== undefined) {
        timer = setTimeout(() => sleeper.wake(false), Math.max(0, this.#deadline - performance.now()));
      }
    });
  }
}

/** Wait until the `returnWhen` condition holds or the timeout passes; never throws on timeout. */
export function wait<F extends Future<any>>(
  futures: Iterable<F>,
  { timeout, returnWhen = ALL_COMPLETED }: WaitOptions = {},
): Promise<DoneAndNotDone<FutureResult<F>>> {
  type T = FutureResult<F>;
  checkChoice("returnWhen", returnWhen, [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED]);
  const ms = checkTimeout(timeout);
  const all = new Set<Future<T>>(futures);
  const split = (): DoneAndNotDone<T> => {
    const done = new Set<Future<T>>();
    const notDone = new Set<Future<T>>();
    for (const future of all) (future.done() ? done : notDone).add(future);
    return { done, notDone };
  };
  // Counters, not rescans: waiting on 100k futures stays linear.
  let left = 0;
  let anyDone = false;
  let anyFailed = false;
  const record = (future: Future<T>): void => {
    anyDone = true;
    if (future[kFailed]()) anyFailed = true;
  };
  for (const future of all) {
    if (future.done()) record(future);
    else left++;
  }
  const satisfied = (): boolean =>
    left === 0 ||
    (returnWhen === FIRST_COMPLETED && anyDone) ||
    (returnWhen === FIRST_EXCEPTION && anyFailed);
  if (satisfied()) return Promise.resolve(split());
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      for (const future of all) future[kRemoveWaiter](check);
      resolve(split());
    };
    const check = (future: Future<T>): void => {
      future[kRemoveWaiter](check);
      left--;
      record(future);
      if (satisfied()) finish();
    };
    for (const future of all) if (!future.done()) future[kAddWaiter](check);
    if (ms !== undefined) timer = setTimeout(finish, ms);
  });
}
