// AsyncExecutor: bounded concurrency on the event loop, the analog of asyncio with a semaphore.
//
// Any function, sync or async, runs in this thread; at most `maxWorkers` at once, started
// in submission order. A function wrapped in abortable() receives an AbortSignal last, which
// aborts on shutdown({ cancelFutures: true }), on terminateWorkers(), or when the signal
// passed to submitWith() aborts. Its stats count each of the maxWorkers slots as a worker.
import { AbortListeners } from "./abort-listeners.ts";
import { AsyncSlots } from "./async-slots.ts";
import { CallStats, type CallRecord, type ExecutorStats } from "./call-stats.ts";
import { BrokenExecutor, ShutdownError } from "./errors.ts";
import { ExecutorLifecycle } from "./executor-lifecycle.ts";
import { Executor, type Result, type ShutdownOptions, type SubmitOptions } from "./executor.ts";
import { signalTaker } from "./abortable.ts";
import { Fifo } from "./fifo.ts";
import { Future } from "./future.ts";
import { TimeFifo } from "./time-fifo.ts";
import type { AnyFunction } from "./task.ts";
import { checkInteger, checkSignal } from "./validate.ts";

/** Calls begun in one microtask at most. */
const ROUND = 1024;

export interface AsyncExecutorOptions {
  /** How many functions may be running at once (default 100). */
  maxWorkers?: number | undefined;
}

interface WorkItem extends CallRecord {
  future: Future<any>;
  fn: AnyFunction;
  args: unknown[];
  userSignal: AbortSignal | undefined;
  /** Its slot (async-slots.ts) once started. */
  slot: number;
}

export class AsyncExecutor extends Executor {
  readonly maxWorkers: number;
  readonly #queue = new Fifo<WorkItem>();
  /** When each queued call was submitted, in the queue's order. */
  readonly #submittedAt = new TimeFifo();
  /** Functions started and not finished, unless terminateWorkers() gave up on them. */
  readonly #running = new Set<WorkItem>();
  readonly #lifecycle = new ExecutorLifecycle({
    isIdle: () => this.#running.size === 0 && this.#queue.length === 0,
    brokenError: (message, cause) => new BrokenExecutor(message, cause === undefined ? undefined : { cause }),
  });
  #abort = new AbortController();
  // Aborting work that has not started is cancelling it.
  readonly #abortListeners = new AbortListeners<WorkItem>((item) => void item.future.cancel());
  readonly #stats = new CallStats<WorkItem>("AsyncExecutor", {
    taskName: (item) => item.fn.name || "anonymous",
    worker: (item) => ({ kind: "async", index: item.slot }),
  });
  readonly #slots = new AsyncSlots();
  /** Calls started and not begun: the next microtask begins them. */
  readonly #starting: WorkItem[] = [];
  #nextId = 1;

  constructor({ maxWorkers = 100 }: AsyncExecutorOptions = {}) {
    super();
    this.maxWorkers = checkInteger("maxWorkers", maxWorkers, 1);
  }

  submitWith<F extends AnyFunction>(
    { signal }: SubmitOptions,
    fn: F,
    ...args: Parameters<F>
  ): Future<Result<F>> {
    this.#lifecycle.refuse();
    if (typeof fn !== "function") throw new TypeError("submit() needs a function");
    checkSignal(signal);
    const future = new Future<Result<F>>();
    const now = performance.now();
    const item: WorkItem = {
      id: this.#nextId++,
      future,
      fn,
      args,
      userSignal: signal,
      slot: -1,
    };
    this.#stats.submit(future, item);
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    if (signal) {
      this.#abortListeners.add(signal, item);
      future.addDoneCallback(() => this.#abortListeners.delete(signal, item));
    }
    this.#queue.push(item);
    this.#submittedAt.push(now);
    this.#pump(now);
    return future;
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#lifecycle.shutDown();
    if (cancelFutures) {
      this.#submittedAt.clear();
      for (const item of this.#queue.drain()) item.future.cancel();
      this.#abort.abort(new ShutdownError("executor shut down with cancelFutures"));
    }
    if (wait) await this.#lifecycle.whenIdle();
  }

  /**
   * Stop now. Queued functions are cancelled; running ones have their abortable() signal
   * aborted and their futures fail with BrokenExecutor at once, so nobody waits for them.
   * A function on the event loop cannot be stopped from outside: one that ignores its
   * signal runs on to its end, and its outcome is dropped.
   */
  async terminateWorkers(): Promise<void> {
    this.#lifecycle.shutDown();
    this.#submittedAt.clear();
    for (const item of this.#queue.drain()) item.future.cancel();
    const reason = "the executor's workers were terminated";
    this.#abort.abort(new BrokenExecutor(reason));
    const now = performance.now();
    for (const item of this.#running) {
      const runMs = this.#slots.give(item.slot, now);
      if (item.future.done()) continue;
      this.#stats.times(now - runMs, runMs, NaN);
      item.future.setException(new BrokenExecutor(reason));
    }
    this.#running.clear();
    this.#pump(now);
  }

  /** Counts and times of the calls so far; each slot of maxWorkers counts as a worker. */
  stats(): ExecutorStats {
    return this.#stats.snapshot(this.#slots.stats(performance.now()));
  }

  override toString(): string {
    return `AsyncExecutor<maxWorkers=${this.maxWorkers} running=${this.#running.size} queued=${this.#queue.length}>`;
  }

  /** Start what fits; `now` is the time of the event that calls it (a submit, an end). */
  #pump(now: number): void {
    while (this.#running.size < this.maxWorkers && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      const submittedAt = this.#submittedAt.shift();
      if (item.future.cancelled()) continue;
      this.#stats.waited(now - submittedAt);
      item.slot = this.#slots.take(now);
      item.future.setRunningOrNotifyCancel();
      this.#running.add(item);
      // Start on a microtask: submit() returns a running future before any of its code runs.
      // One microtask runs every call started before it, in order: one per call cost more
      // than a small call's own bookkeeping.
      if (this.#starting.push(item) === 1) queueMicrotask(this.#startAll);
    }
    this.#lifecycle.notifyIdle();
  }

  readonly #startAll = (): void => {
    const starting = this.#starting;
    // A call that ends at once may start the next one: it joins this round, up to a bound, so
    // that other microtasks still get their turns while a long queue of quick calls drains.
    let index = 0;
    for (; index < starting.length && index < ROUND; index++) this.#run(starting[index]!);
    if (index === starting.length) starting.length = 0;
    else {
      starting.splice(0, index);
      queueMicrotask(this.#startAll);
    }
  };

  #run(item: WorkItem): void {
    const { fn, args, userSignal } = item;
    let value: unknown;
    try {
      // Marked running at submit, but not begun: honour an abort that came in between.
      userSignal?.throwIfAborted();
      const takesSignal = signalTaker(fn);
      // The combined signal only for functions that take one: AbortSignal.any costs more
      // than running a small task.
      value = takesSignal
        ? takesSignal(
            ...args,
            userSignal ? AbortSignal.any([userSignal, this.#abort.signal]) : this.#abort.signal,
          )
        : fn(...args);
    } catch (error) {
      this.#finish(item, false, error);
      return;
    }
    // Plain values settle now; only real promises cost a trip through the microtask queue.
    if (typeof (value as PromiseLike<unknown> | null)?.then !== "function") this.#finish(item, true, value);
    else
      Promise.resolve(value).then(
        (result) => this.#finish(item, true, result),
        (error) => this.#finish(item, false, error),
      );
  }

  #finish(item: WorkItem, ok: boolean, outcome: unknown): void {
    // Gone from the set after terminateWorkers(): its future has failed already.
    if (!this.#running.delete(item)) return;
    const now = performance.now();
    const runMs = this.#slots.give(item.slot, now);
    this.#stats.times(now - runMs, runMs, NaN);
    if (ok) item.future.setResult(outcome);
    else item.future.setException(outcome);
    this.#pump(now);
  }
}
