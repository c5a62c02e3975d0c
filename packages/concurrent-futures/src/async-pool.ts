// AsyncExecutor: bounded concurrency on the event loop, the analog of asyncio with a semaphore.
//
// Any function, sync or async, runs in this thread; at most `maxWorkers` at once, started
// in submission order. A function wrapped in abortable() receives an AbortSignal last, which
// aborts on shutdown({ cancelFutures: true }) or when the signal passed to submitWith() aborts.
import { ShutdownError } from "./errors.ts";
import { Executor, type Result, type ShutdownOptions, type SubmitOptions } from "./executor.ts";
import { signalTaker } from "./abortable.ts";
import { Future } from "./future.ts";
import type { AnyFunction } from "./task.ts";
import { checkInteger } from "./validate.ts";

export interface AsyncExecutorOptions {
  /** How many functions may be running at once (default 100). */
  maxWorkers?: number | undefined;
}

interface WorkItem {
  future: Future<any>;
  fn: AnyFunction;
  args: unknown[];
  signal: AbortSignal;
  userSignal: AbortSignal | undefined;
}

export class AsyncExecutor extends Executor {
  readonly maxWorkers: number;
  #queue: WorkItem[] = [];
  #head = 0;
  #running = 0;
  #shutdown = false;
  #abort = new AbortController();
  #idle: (() => void)[] = [];

  constructor({ maxWorkers = 100 }: AsyncExecutorOptions = {}) {
    super();
    this.maxWorkers = checkInteger("maxWorkers", maxWorkers, 1);
  }

  submitWith<F extends AnyFunction>(
    { signal }: SubmitOptions,
    fn: F,
    ...args: Parameters<F>
  ): Future<Result<F>> {
    if (this.#shutdown) throw new ShutdownError();
    if (typeof fn !== "function") throw new TypeError("submit() needs a function");
    const future = new Future<Result<F>>();
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    const taskSignal = signal ? AbortSignal.any([signal, this.#abort.signal]) : this.#abort.signal;
    // Aborting work that has not started is cancelling it.
    if (signal) {
      const onAbort = (): void => void future.cancel();
      signal.addEventListener("abort", onAbort, { once: true });
      future.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
    }
    this.#queue.push({ future, fn, args, signal: taskSignal, userSignal: signal });
    this.#pump();
    return future;
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) {
      for (const item of this.#drain()) item.future.cancel();
      this.#abort.abort(new ShutdownError("executor shut down with cancelFutures"));
    }
    if (!wait || this.#isIdle()) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  override toString(): string {
    return `AsyncExecutor<maxWorkers=${this.maxWorkers} running=${this.#running} queued=${this.#queue.length - this.#head}>`;
  }

  #pump(): void {
    while (this.#running < this.maxWorkers && this.#head < this.#queue.length) {
      const item = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as WorkItem;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) this.#compact();
      if (!item.future.setRunningOrNotifyCancel()) continue;
      this.#running++;
      // Start on a microtask: submit() returns a running future before any of its code runs.
      queueMicrotask(() => this.#run(item));
    }
    if (this.#idle.length > 0 && this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #run({ future, fn, args, signal, userSignal }: WorkItem): void {
    let value: unknown;
    try {
      // Marked running at submit, but not begun: honour an abort that came in between.
      userSignal?.throwIfAborted();
      const takesSignal = signalTaker(fn);
      value = takesSignal ? takesSignal(...args, signal) : fn(...args);
    } catch (error) {
      this.#finish(future, false, error);
      return;
    }
    // Plain values settle now; only real promises cost a trip through the microtask queue.
    if (typeof (value as PromiseLike<unknown> | null)?.then !== "function") this.#finish(future, true, value);
    else
      Promise.resolve(value).then(
        (result) => this.#finish(future, true, result),
        (error) => this.#finish(future, false, error),
      );
  }

  #finish(future: Future<any>, ok: boolean, outcome: unknown): void {
    if (ok) future.setResult(outcome);
    else future.setException(outcome);
    this.#running--;
    this.#pump();
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#head === this.#queue.length;
  }

  #drain(): WorkItem[] {
    const items = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    return items;
  }

  #compact(): void {
    this.#queue = this.#queue.slice(this.#head);
    this.#head = 0;
  }
}
