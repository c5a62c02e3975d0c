// WorkerPool, what the thread and process pools share: it takes submits (refused as the
// executor's lifecycle says), names their tasks, queues them for dispatch, and settles what
// the workers answer; it breaks the pool when a worker dies abruptly, and ends the workers
// on shutdown or terminateWorkers(). Its parts: task-registry.ts, dispatch.ts,
// worker-crew.ts and worker-slot.ts. src/README.md draws the whole path of a call.
import { AbortListeners } from "./abort-listeners.ts";
import { CallStats, type ExecutorStats } from "./call-stats.ts";
import { CancelledError, type BrokenExecutor } from "./errors.ts";
import { Dispatcher } from "./dispatch.ts";
import { ExecutorLifecycle } from "./executor-lifecycle.ts";
import {
  ChunkFuture,
  Executor,
  type Result,
  type ShutdownOptions,
  type SubmitOptions,
  type TransferItem,
} from "./executor.ts";
import { Future } from "./future.ts";
import type { Chunk } from "./map-chunks.ts";
import { refuseWhileImportingTask } from "./import-guard.ts";
import type { FromWorker } from "./messages.ts";
import { fromErrorRecord } from "./remote-error.ts";
import { TaskRegistry } from "./task-registry.ts";
import { taskRef, type AnyFunction, type Task, type TaskRef, type WrapTheFunctionWithTask } from "./task.ts";
import { checkInteger, checkOptionalInteger, checkSignal } from "./validate.ts";
import { settle, type WorkItem } from "./work-item.ts";
import { WorkerCrew } from "./worker-crew.ts";
import type { WorkerChannel, WorkerEvents, WorkerSlot } from "./worker-slot.ts";

export interface PoolOptions {
  maxWorkers: number;
  initializer?: Task | undefined;
  initargs?: unknown[] | undefined;
  maxTasksPerChild?: number | undefined;
  /** Calls one worker runs at once (default 1, as in Python); see ThreadPoolExecutorOptions. */
  concurrentCallsPerWorker?: number | undefined;
}

export abstract class WorkerPool extends Executor<WrapTheFunctionWithTask> {
  readonly maxWorkers: number;
  /** Calls one worker runs at once: up to maxWorkers x this many calls run in the pool. */
  readonly concurrentCallsPerWorker: number;
  readonly #tasks = new TaskRegistry();
  readonly #lifecycle: ExecutorLifecycle = new ExecutorLifecycle({
    // A broken pool holds nothing: its calls have failed.
    isIdle: () => this.#lifecycle.isBroken || (this.#dispatcher.queued === 0 && !this.#crew.busy()),
    brokenError: (message, cause) => this.brokenError(message, cause),
  });
  readonly #crew: WorkerCrew;
  readonly #dispatcher: Dispatcher;
  #nextId = 1;
  readonly #abortListeners = new AbortListeners<WorkItem>((item) => this.#abort(item));
  readonly #stats = new CallStats<WorkItem>(this.constructor.name, {
    taskName: (item) => this.#tasks.refOf(item.key).exportName,
    worker: (item) => item.worker,
  });

  constructor({
    maxWorkers,
    initializer,
    initargs = [],
    maxTasksPerChild,
    concurrentCallsPerWorker,
  }: PoolOptions) {
    super();
    this.maxWorkers = checkInteger("maxWorkers", maxWorkers, 1);
    const callsAtOnce = checkOptionalInteger("concurrentCallsPerWorker", concurrentCallsPerWorker, 1) ?? 1;
    this.concurrentCallsPerWorker = callsAtOnce;
    const initializerRef: TaskRef | undefined =
      initializer === undefined ? undefined : taskRef(initializer, this.constructor.name);
    this.#crew = new WorkerCrew({
      spawn: (events) => this.spawn(events),
      init: { t: "init", initializer: initializerRef, initargs, callsAtOnce },
      maxTasksPerChild: checkOptionalInteger("maxTasksPerChild", maxTasksPerChild, 1) ?? Infinity,
      events: {
        message: (worker, message) => this.#onMessage(worker, message),
        exit: (worker, reason, error) => this.#onExit(worker, reason, error),
      },
    });
    this.#dispatcher = new Dispatcher({
      maxWorkers: this.maxWorkers,
      callsAtOnce,
      crew: this.#crew,
      tasks: this.#tasks,
      lifecycle: this.#lifecycle,
    });
  }

  /** Start one worker; report what it sends and how it ends through `events`. */
  protected abstract spawn(events: WorkerEvents): WorkerChannel;

  /** The pool's own kind of BrokenExecutor (the lifecycle's brokenError hook). */
  protected abstract brokenError(message: string, cause?: unknown): BrokenExecutor;

  /** A word for the pool's workers in messages: "thread" or "process". */
  protected abstract readonly workerKind: string;

  submitWith<F extends AnyFunction>(
    { signal, transfer }: SubmitOptions,
    fn: F & WrapTheFunctionWithTask,
    ...args: Parameters<F>
  ): Future<Result<F>> {
    const ref = taskRef(fn, this.constructor.name);
    checkSignal(signal);
    return this.#enqueue(new Future<Result<F>>(), ref, args, signal, transfer);
  }

  protected override submitChunk<A, R>(fn: (item: A) => R, chunk: Chunk<A>): ChunkFuture<Awaited<R>> {
    const ref = taskRef(fn, this.constructor.name);
    return this.#enqueue(new ChunkFuture<Awaited<R>>(), ref, chunk, undefined, undefined);
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#lifecycle.shutDown();
    if (cancelFutures) {
      for (const item of this.#dispatcher.drain()) item.future.cancel();
      this.#crew.cancelPending();
    }
    const closed = this.#lifecycle.whenIdle().then(() => this.#crew.closeAll());
    if (wait) await closed;
  }

  /**
   * Counts and times of the calls so far, and each live worker's utilization. Run times are
   * the workers' own measures; calls answered in one message share its time equally.
   */
  stats(): ExecutorStats {
    return this.#stats.snapshot(this.#crew.stats(performance.now()));
  }

  /** Number of live workers (started and not yet exited). */
  get workerCount(): number {
    return this.#crew.size;
  }

  override toString(): string {
    return `${this.constructor.name}<maxWorkers=${this.maxWorkers} workers=${this.#crew.size} queued=${this.#dispatcher.queued} ${this.#lifecycle.state}>`;
  }

  /**
   * Stop every worker now and shut down (Python 3.14's terminate_workers): what is queued is
   * cancelled, what runs fails with the pool's Broken error.
   */
  terminateWorkers(): Promise<void> {
    return this.stopWorkers("SIGTERM", "the pool's workers were terminated");
  }

  /** Stop every worker now with `signal`; what is queued is cancelled, what runs fails. */
  protected async stopWorkers(signal: NodeJS.Signals, reason: string): Promise<void> {
    this.#lifecycle.shutDown();
    for (const item of this.#dispatcher.drain()) item.future.cancel();
    const exited = this.#crew.stopAll(signal, (item) =>
      settle(item, () => item.future.setException(this.brokenError(reason))),
    );
    this.#lifecycle.notifyIdle();
    await exited;
  }

  #enqueue<F extends Future<any>>(
    future: F,
    ref: TaskRef,
    args: unknown[] | Chunk,
    signal: AbortSignal | undefined,
    transfer: readonly TransferItem[] | undefined,
  ): F {
    this.#lifecycle.refuse();
    refuseWhileImportingTask(this.constructor.name);
    const item: WorkItem = {
      id: this.#nextId++,
      future,
      key: this.#tasks.keyOf(ref),
      args,
      transfer: transfer && [...transfer],
      signal,
      submittedAt: performance.now(),
      worker: undefined,
    };
    this.#stats.submit(future, item);
    if (signal) {
      if (signal.aborted) {
        future.cancel();
        return future;
      }
      this.#abortListeners.add(signal, item);
      future.addDoneCallback(() => this.#abortListeners.delete(signal, item));
    }
    this.#dispatcher.push(item);
    return future;
  }

  #onMessage(worker: WorkerSlot, message: FromWorker): void {
    if (message.t === "init-failed") {
      const cause = fromErrorRecord(message.error);
      this.#break(`A ${this.workerKind} initializer failed, the pool is not usable anymore`, cause);
      return;
    }
    if (message.t !== "done") return;
    this.#crew.received(worker, message.outcomes, message.busy, this.#tasks, this.#stats);
    this.#dispatcher.dispatch();
  }

  #onExit(worker: WorkerSlot, reason: string, error: unknown): void {
    if (!worker.leaving) {
      // Break before forgetting the worker, so that its own calls fail too.
      this.#break(
        `A ${this.workerKind} in the pool was terminated abruptly while the future was running or pending (${reason})`,
        error,
      );
    }
    this.#crew.forget(worker);
    this.#dispatcher.dispatch();
  }

  #abort(item: WorkItem): void {
    const { future, signal } = item;
    // Still queued (cancelled now), or over already.
    if (future.cancel() || future.done()) return;
    // A running call cannot be interrupted, but its worker can be ended and replaced.
    if (!this.#crew.abort(item)) return;
    settle(item, () => future.setException(signal?.reason ?? new CancelledError("aborted")));
    this.#lifecycle.notifyIdle();
  }

  #break(message: string, cause?: unknown): void {
    if (!this.#lifecycle.break(message, cause)) return;
    const failed = this.#dispatcher.drain();
    failed.push(...this.#crew.abandonAll());
    for (const item of failed) settle(item, () => item.future.setException(this.#lifecycle.brokenError()));
    this.#lifecycle.notifyIdle();
  }
}
