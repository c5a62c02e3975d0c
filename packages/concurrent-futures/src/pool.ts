// What the thread and process pools share: workers started on demand and reused, dispatch
// from the queue in batches (sized by batch-policy.ts), and breaking the pool when a worker
// dies abruptly. src/README.md draws the whole path of a call.
import { AbortListeners } from "./abort-listeners.ts";
import { batchSize, fitsInBatch, sendAhead, updateMeanMs } from "./batch-policy.ts";
import { BrokenExecutor, CancelledError, ShutdownError } from "./errors.ts";
import { refuseWhileExiting, watchProcessExit } from "./exiting.ts";
import {
  ChunkFuture,
  Executor,
  type Result,
  type ShutdownOptions,
  type SubmitOptions,
  type TransferItem,
} from "./executor.ts";
import { Fifo } from "./fifo.ts";
import { Future } from "./future.ts";
import { refuseWhileImportingTask } from "./import-guard.ts";
import type { Call, FromWorker, ToWorker } from "./messages.ts";
import { describeThrown, fromErrorRecord } from "./remote-error.ts";
import { taskRef, type AnyFunction, type Task, type TaskRef, type WrapTheFunctionWithTask } from "./task.ts";
import { checkInteger, checkOptionalInteger, checkSignal } from "./validate.ts";

/** How the pool talks to one worker, whatever it is. */
export interface WorkerChannel {
  send(message: ToWorker, transfer?: TransferItem[]): void;
  /** Keep the parent alive while this worker has work; let it exit otherwise. */
  ref(): void;
  unref(): void;
  /** Stop now (a thread is terminated, a process gets SIGTERM, or the given signal). */
  terminate(signal?: NodeJS.Signals): void;
}

export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker is gone; `reason` says how (exit code, signal, error). */
  exit(reason: string, error?: unknown): void;
}

export interface PoolOptions {
  maxWorkers: number;
  initializer?: Task | undefined;
  initargs?: unknown[] | undefined;
  maxTasksPerChild?: number | undefined;
}

interface WorkItem {
  id: number;
  future: Future<any>;
  key: number;
  args: unknown[];
  chunk: boolean;
  transfer: TransferItem[] | undefined;
  signal: AbortSignal | undefined;
  worker: WorkerSlot | undefined;
}

/** The pool's record of one worker thread or process: its channel and the calls it holds. */
interface WorkerSlot {
  channel: WorkerChannel;
  inflight: Map<number, WorkItem>;
  defined: Set<number>;
  tasksLeft: number;
  /** Runs a call with an AbortSignal and nothing else, so aborting it can end the worker. */
  exclusive: boolean;
  /** Its end is expected (retired, aborted, shut down): not a crash. */
  leaving: boolean;
  exited: Promise<void>;
}

export abstract class WorkerPool extends Executor<WrapTheFunctionWithTask> {
  readonly maxWorkers: number;
  readonly #initializer: TaskRef | undefined;
  readonly #initargs: unknown[];
  readonly #maxTasksPerChild: number;
  #queue = new Fifo<WorkItem>();
  readonly #workers = new Set<WorkerSlot>();
  readonly #idle: WorkerSlot[] = [];
  readonly #keys = new Map<string, number>();
  readonly #refs: TaskRef[] = [];
  #nextId = 1;
  #broken: BrokenExecutor | undefined;
  #shutdown = false;
  #whenIdle: (() => void)[] = [];
  /** Mean milliseconds per call of each task, measured by the workers. */
  readonly #callMs: number[] = [];
  readonly #abortListeners = new AbortListeners<WorkItem>((item) => this.#abort(item));

  constructor({ maxWorkers, initializer, initargs = [], maxTasksPerChild }: PoolOptions) {
    super();
    this.maxWorkers = checkInteger("maxWorkers", maxWorkers, 1);
    this.#initializer = initializer === undefined ? undefined : taskRef(initializer, this.constructor.name);
    this.#initargs = initargs;
    this.#maxTasksPerChild = checkOptionalInteger("maxTasksPerChild", maxTasksPerChild, 1) ?? Infinity;
    watchProcessExit();
  }

  /** Start one worker; report what it sends and how it ends through `events`. */
  protected abstract spawn(events: WorkerEvents): WorkerChannel;

  /** The pool's own kind of BrokenExecutor. */
  protected abstract broken(message: string, cause?: unknown): BrokenExecutor;

  /** A word for the pool's workers in messages: "thread" or "process". */
  protected abstract readonly workerKind: string;

  submitWith<F extends AnyFunction>(
    { signal, transfer }: SubmitOptions,
    fn: F & WrapTheFunctionWithTask,
    ...args: Parameters<F>
  ): Future<Result<F>> {
    const ref = taskRef(fn, this.constructor.name);
    checkSignal(signal);
    return this.#enqueue(new Future<Result<F>>(), ref, args, false, signal, transfer);
  }

  protected override submitChunk<A, R>(fn: (item: A) => R, chunk: A[]): ChunkFuture<Awaited<R>> {
    const ref = taskRef(fn, this.constructor.name);
    return this.#enqueue(new ChunkFuture<Awaited<R>>(), ref, chunk, true, undefined, undefined);
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) for (const item of this.#queue.drain()) item.future.cancel();
    const closed = this.#idleNow().then(() => this.#closeAll());
    if (wait) await closed;
  }

  /** Number of live workers (started and not yet exited). */
  get workerCount(): number {
    return this.#workers.size;
  }

  override toString(): string {
    const state = this.#broken ? "broken" : this.#shutdown ? "shut down" : "open";
    return `${this.constructor.name}<maxWorkers=${this.maxWorkers} workers=${this.#workers.size} queued=${this.#queue.length} ${state}>`;
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
    this.#shutdown = true;
    for (const item of this.#queue.drain()) item.future.cancel();
    const exits: Promise<void>[] = [];
    for (const worker of this.#workers) {
      worker.leaving = true;
      for (const item of worker.inflight.values())
        settle(item, () => item.future.setException(this.broken(reason)));
      worker.inflight.clear();
      worker.channel.ref();
      worker.channel.terminate(signal);
      exits.push(worker.exited);
    }
    this.#notifyIdle();
    await Promise.all(exits);
  }

  #enqueue<F extends Future<any>>(
    future: F,
    ref: TaskRef,
    args: unknown[],
    chunk: boolean,
    signal: AbortSignal | undefined,
    transfer: readonly TransferItem[] | undefined,
  ): F {
    if (this.#broken) throw this.broken(this.#broken.message, this.#broken.cause);
    if (this.#shutdown) throw new ShutdownError();
    refuseWhileExiting();
    refuseWhileImportingTask(this.constructor.name);
    const item: WorkItem = {
      id: this.#nextId++,
      future,
      key: this.#keyOf(ref),
      args,
      chunk,
      transfer: transfer && [...transfer],
      signal,
      worker: undefined,
    };
    if (signal) {
      if (signal.aborted) {
        future.cancel();
        return future;
      }
      this.#abortListeners.add(signal, item);
      future.addDoneCallback(() => this.#abortListeners.delete(signal, item));
    }
    this.#queue.push(item);
    this.#dispatch();
    return future;
  }

  #keyOf(ref: TaskRef): number {
    const name = `${ref.moduleUrl}#${ref.exportName}`;
    let key = this.#keys.get(name);
    if (key === undefined) {
      key = this.#refs.push(ref) - 1;
      this.#keys.set(name, key);
    }
    return key;
  }

  #dispatch(): void {
    while (!this.#broken && this.#queue.length > 0) {
      const worker = this.#pickWorker();
      if (!worker || this.#sendBatch(worker) === 0) break;
    }
    // Dispatch may have dropped the last cancelled items: shutdown() may be waiting for that.
    this.#notifyIdle();
  }

  #pickWorker(): WorkerSlot | undefined {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#workers.size < this.maxWorkers) return this.#start();
    // Deep queue: give a worker its next batch before it runs dry.
    const batch = this.#batchSize();
    if (sendAhead(this.#queue.length, this.#workers.size, batch)) {
      for (const worker of this.#workers) {
        if (!worker.exclusive && !worker.leaving && worker.tasksLeft > 0 && worker.inflight.size <= batch) {
          return worker;
        }
      }
    }
    return undefined;
  }

  /** How many calls to send at once, judged by the task at the head of the queue. */
  #batchSize(): number {
    const head = this.#queue.peek();
    return batchSize(this.#queue.length, this.#workers.size, head && this.#callMs[head.key]);
  }

  /** Move calls from the queue to `worker`; returns how many were sent. */
  #sendBatch(worker: WorkerSlot): number {
    const wasIdle = worker.inflight.size === 0;
    const limit = Math.min(this.#batchSize(), worker.tasksLeft);
    const items: WorkItem[] = [];
    while (items.length < limit && this.#queue.length > 0) {
      const item = this.#queue.peek()!;
      if (item.signal && (!wasIdle || items.length > 0)) break; // goes alone to an idle worker
      if (!fitsInBatch(items.length, this.#callMs[item.key])) break;
      this.#queue.shift();
      if (!item.future.setRunningOrNotifyCancel()) continue;
      items.push(item);
      if (item.signal) {
        worker.exclusive = true;
        break;
      }
    }
    if (items.length === 0) {
      if (wasIdle) this.#idle.push(worker);
      return 0;
    }
    this.#send(worker, items);
    return items.length;
  }

  #send(worker: WorkerSlot, items: WorkItem[]): void {
    for (const item of items) {
      if (!worker.defined.has(item.key)) {
        worker.channel.send({ t: "def", key: item.key, ref: this.#refs[item.key]! });
        worker.defined.add(item.key);
      }
    }
    const calls = items.map((item): Call => [item.id, item.key, item.args, item.chunk]);
    const transfer = items.flatMap((item) => item.transfer ?? []);
    try {
      worker.channel.send({ t: "run", calls }, transfer);
    } catch {
      // Something in the batch cannot be cloned: send the others, fail that one alone.
      for (const item of items) {
        try {
          worker.channel.send(
            { t: "run", calls: [[item.id, item.key, item.args, item.chunk]] },
            item.transfer,
          );
        } catch (error) {
          const reason = new TypeError(
            `the task's arguments cannot be sent to a worker: ${describeThrown(error)}`,
          );
          item.future.setException(reason);
          continue;
        }
        this.#track(worker, item);
      }
      if (worker.inflight.size === 0) this.#idle.push(worker);
      return;
    }
    for (const item of items) this.#track(worker, item);
  }

  #track(worker: WorkerSlot, item: WorkItem): void {
    if (worker.inflight.size === 0) worker.channel.ref();
    worker.inflight.set(item.id, item);
    worker.tasksLeft--;
    item.worker = worker;
  }

  #start(): WorkerSlot {
    let exited!: () => void;
    const worker: WorkerSlot = {
      channel: undefined as unknown as WorkerChannel,
      inflight: new Map(),
      defined: new Set(),
      tasksLeft: this.#maxTasksPerChild,
      exclusive: false,
      leaving: false,
      exited: new Promise((resolve) => (exited = resolve)),
    };
    worker.channel = this.spawn({
      message: (message) => this.#onMessage(worker, message),
      exit: (reason, error) => {
        exited();
        this.#onExit(worker, reason, error);
      },
    });
    // Idle workers must not keep the program alive; #track refs a worker while it has work.
    worker.channel.unref();
    this.#workers.add(worker);
    worker.channel.send({ t: "init", initializer: this.#initializer, initargs: this.#initargs });
    return worker;
  }

  #onMessage(worker: WorkerSlot, message: FromWorker): void {
    if (message.t === "init-failed") {
      const cause = fromErrorRecord(message.error);
      this.#break(
        this.broken(`A ${this.workerKind} initializer failed, the pool is not usable anymore`, cause),
      );
      return;
    }
    if (message.t !== "done") return;
    const perCall = message.busy / Math.max(1, message.outcomes.length);
    for (const [id, ok, value] of message.outcomes) {
      const item = worker.inflight.get(id);
      if (!item) continue;
      this.#callMs[item.key] = updateMeanMs(this.#callMs[item.key], perCall);
      worker.inflight.delete(id);
      if (ok) settle(item, () => item.future.setResult(value));
      else settle(item, () => item.future.setException(fromErrorRecord(value)));
    }
    if (worker.inflight.size === 0 && !worker.leaving) {
      worker.channel.unref();
      worker.exclusive = false;
      if (worker.tasksLeft <= 0) this.#retire(worker);
      else this.#idle.push(worker);
    }
    this.#dispatch();
  }

  #onExit(worker: WorkerSlot, reason: string, error: unknown): void {
    if (!worker.leaving) {
      // Break before forgetting the worker, so that its own calls fail too.
      this.#break(
        this.broken(
          `A ${this.workerKind} in the pool was terminated abruptly while the future was running or pending (${reason})`,
          error,
        ),
      );
    }
    this.#workers.delete(worker);
    removeFrom(this.#idle, worker);
    this.#dispatch();
  }

  #retire(worker: WorkerSlot): void {
    worker.leaving = true;
    removeFrom(this.#idle, worker);
    // Queued work may be waiting for this exit to start a replacement.
    worker.channel.ref();
    worker.channel.send({ t: "exit" });
  }

  #abort(item: WorkItem): void {
    const { worker, future, signal } = item;
    if (!worker) {
      future.cancel();
      return;
    }
    if (future.done()) return;
    // A running call cannot be interrupted, but its worker can be ended and replaced.
    worker.leaving = true;
    worker.inflight.delete(item.id);
    removeFrom(this.#idle, worker);
    worker.channel.ref();
    worker.channel.terminate();
    settle(item, () => future.setException(signal?.reason ?? new CancelledError("aborted")));
    this.#notifyIdle();
  }

  #break(error: BrokenExecutor): void {
    if (this.#broken) return;
    this.#broken = error;
    const failed = this.#queue.drain();
    for (const worker of this.#workers) {
      failed.push(...worker.inflight.values());
      worker.inflight.clear();
      worker.leaving = true;
      worker.channel.terminate();
    }
    for (const item of failed) {
      settle(item, () => item.future.setException(this.broken(error.message, error.cause)));
    }
    this.#notifyIdle();
  }

  #busy(): boolean {
    if (this.#broken) return false;
    if (this.#queue.length > 0) return true;
    for (const worker of this.#workers) if (worker.inflight.size > 0) return true;
    return false;
  }

  #idleNow(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }

  #notifyIdle(): void {
    if (this.#whenIdle.length > 0 && !this.#busy()) for (const resolve of this.#whenIdle.splice(0)) resolve();
  }

  async #closeAll(): Promise<void> {
    const exits: Promise<void>[] = [];
    for (const worker of this.#workers) {
      // Whoever awaits shutdown() waits for these exits: keep the program alive for them.
      worker.channel.ref();
      if (!worker.leaving) {
        worker.leaving = true;
        worker.channel.send({ t: "exit" });
      }
      exits.push(worker.exited);
    }
    this.#idle.length = 0;
    await Promise.all(exits);
  }
}

/** Set a future's outcome unless it is already done (a race with abort or a break). */
function settle(item: WorkItem, set: () => void): void {
  if (!item.future.done()) set();
}

function removeFrom<T>(list: T[], value: T): void {
  const index = list.indexOf(value);
  if (index >= 0) list.splice(index, 1);
}
