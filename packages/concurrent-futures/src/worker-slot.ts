// One worker thread or child process as its pool sees it: the channel to it, the calls it
// holds (sent, no outcome yet), the tasks it was told about, how many calls it may still
// take (maxTasksPerChild), and how it ends: retired, closed, terminated or abandoned.
//
// The worker runs the calls it holds one at a time, in the order sent. Only the one it works
// on is running; the others were sent ahead and stay pending, so cancel() still succeeds for
// them: the slot tells the worker, which skips them. The next call is marked running when the
// worker answers the one before it, since nothing can stop it from starting then. A worker of
// a pool with concurrentCallsPerWorker = N runs up to N of them at once, also in the order
// sent: the first N calls it holds are running, the next one starts as one of them answers.
import type { TransferItem } from "./executor.ts";
import { kOnCancel } from "./future.ts";
import { SKIPPED, type FromWorker, type InitMessage, type Outcome, type ToWorker } from "./messages.ts";
import type { CallStats } from "./call-stats.ts";
import { describeThrown, fromErrorRecord } from "./remote-error.ts";
import type { TaskRegistry } from "./task-registry.ts";
import { toCall, type WorkItem } from "./work-item.ts";
import { WorkerTimes } from "./worker-times.ts";

/** How the pool talks to one worker, whatever it is. */
export interface WorkerChannel {
  send(message: ToWorker, transfer?: TransferItem[]): void;
  /** Keep the parent alive while this worker has work; let it exit otherwise. */
  ref(): void;
  unref(): void;
  /** Stop now (a thread is terminated, a process gets SIGTERM, or the given signal). */
  terminate(signal?: NodeJS.Signals): void;
  /** Who it is, for stats and trace events: its kind and threadId or pid (index is the slot's). */
  readonly info: Omit<WorkerTimes["info"], "index">;
}

export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker is gone; `reason` says how (exit code, signal, error). */
  exit(reason: string, error?: unknown): void;
}

/** What a slot reports about its worker, naming itself. */
export interface SlotEvents {
  message(slot: WorkerSlot, message: FromWorker): void;
  exit(slot: WorkerSlot, reason: string, error: unknown): void;
}

export class WorkerSlot {
  readonly #channel: WorkerChannel;
  readonly #inflight = new Map<number, WorkItem>();
  /** Keys of the tasks this worker was sent a "def" for. */
  readonly #defined = new Set<number>();
  #tasksLeft: number;
  /** How many of the calls it holds the worker runs at once. */
  readonly #callsAtOnce: number;
  /** Ids of calls sent ahead and cancelled since, to tell the worker in one message. */
  #cancelled: number[] = [];
  /** Runs a call with an AbortSignal and nothing else, so aborting it can end the worker. */
  #exclusive = false;
  /** Its end is expected (retired, aborted, shut down): not a crash. */
  #leaving = false;
  /** Resolves when the worker is gone, however it ended. */
  readonly exited: Promise<void>;
  /** Which worker it is, and its busy time, for stats and trace events. */
  readonly times: WorkerTimes;

  /** Start a worker through `spawn`; it does nothing until initialize(). */
  constructor(
    spawn: (events: WorkerEvents) => WorkerChannel,
    events: SlotEvents,
    tasksLeft: number,
    callsAtOnce = 1,
    index = 0,
  ) {
    this.#tasksLeft = tasksLeft;
    this.#callsAtOnce = callsAtOnce;
    let exited!: () => void;
    this.exited = new Promise((resolve) => (exited = resolve));
    this.#channel = spawn({
      message: (message) => events.message(this, message),
      exit: (reason, error) => {
        this.times.exited();
        exited();
        events.exit(this, reason, error);
      },
    });
    // Idle workers must not keep the program alive; #hold refs a worker while it has work.
    this.#channel.unref();
    this.times = new WorkerTimes({ ...this.#channel.info, index }, callsAtOnce);
  }

  initialize(message: InitMessage): void {
    this.#channel.send(message);
  }

  /** Holds no call. */
  get idle(): boolean {
    return this.#inflight.size === 0;
  }

  get leaving(): boolean {
    return this.#leaving;
  }

  get tasksLeft(): number {
    return this.#tasksLeft;
  }

  /** How many more calls this worker would start at once if sent them now. */
  get room(): number {
    if (this.#exclusive || this.#leaving) return 0;
    return Math.max(0, Math.min(this.#callsAtOnce - this.#inflight.size, this.#tasksLeft));
  }

  /** Whether this busy worker may be sent a batch ahead while it holds `batch` calls or fewer. */
  takesAhead(batch: number): boolean {
    return !this.#exclusive && !this.#leaving && this.#tasksLeft > 0 && this.#inflight.size <= batch;
  }

  holds(item: WorkItem): boolean {
    return this.#inflight.get(item.id) === item;
  }

  /**
   * Send calls to run, each task's "def" first if the worker has not had it; `exclusive`
   * when the batch is one call with an AbortSignal.
   */
  run(items: WorkItem[], tasks: TaskRegistry, exclusive: boolean): void {
    if (exclusive) this.#exclusive = true;
    for (const item of items) {
      if (!this.#defined.has(item.key)) {
        this.#channel.send({ t: "def", key: item.key, ref: tasks.refOf(item.key) });
        this.#defined.add(item.key);
      }
    }
    const calls = items.map(toCall);
    const transfer = items.flatMap((item) => item.transfer ?? []);
    try {
      this.#channel.send({ t: "run", calls }, transfer);
    } catch {
      // Something in the batch cannot be cloned: send the others, fail that one alone.
      for (const item of items) this.#runAlone(item);
      return;
    }
    for (const item of items) this.#hold(item);
    this.#markStarted();
  }

  #runAlone(item: WorkItem): void {
    try {
      this.#channel.send({ t: "run", calls: [toCall(item)] }, item.transfer);
    } catch (error) {
      const reason = new TypeError(
        `the task's arguments cannot be sent to a worker: ${describeThrown(error)}`,
      );
      item.future.setException(reason);
      return;
    }
    this.#hold(item);
    this.#markStarted();
  }

  /** Mark running the calls the worker starts as soon as it has them: the first #callsAtOnce held. */
  #markStarted(): void {
    if (this.#callsAtOnce === 1) return; // The dispatcher and receive() mark the one call.
    let place = 0;
    for (const item of this.#inflight.values()) {
      if (place++ === this.#callsAtOnce) break;
      if (item.future.state === "pending") item.future.setRunningOrNotifyCancel();
    }
  }

  #hold(item: WorkItem): void {
    if (this.#inflight.size === 0) this.#channel.ref();
    this.#inflight.set(item.id, item);
    this.#tasksLeft--;
    // Sent ahead: a cancel() from now until it starts must reach the worker.
    if (item.future.state === "pending") {
      const id = item.id;
      item.future[kOnCancel](() => this.#requestCancel(id));
    }
  }

  /** Tell the worker to skip a call it holds (all cancelled at once go in one message). */
  #requestCancel(id: number): void {
    if (!this.#inflight.has(id)) return;
    if (this.#cancelled.length === 0) queueMicrotask(() => this.#sendCancels());
    this.#cancelled.push(id);
  }

  #sendCancels(): void {
    const ids = this.#cancelled;
    this.#cancelled = [];
    try {
      this.#channel.send({ t: "cancel", ids });
    } catch {
      // The worker is gone: it runs nothing more, and its exit settles what it held.
    }
  }

  /** Cancel every call sent ahead and not started (shutdown with cancelFutures). */
  cancelPending(): void {
    for (const item of this.#inflight.values()) if (item.future.state === "pending") item.future.cancel();
  }

  /**
   * Settle the futures of the calls the worker answered, and record their times (the task's
   * mean, and each call's in `stats`); true when that left the worker idle and not leaving.
   */
  receive(outcomes: Outcome[], busyMs: number, tasks: TaskRegistry, stats: CallStats<WorkItem>): boolean {
    const perCall = busyMs / Math.max(1, outcomes.length);
    this.times.busy(busyMs);
    // Calls answered together share the busy time; one at a time, each started after the one before.
    let started = performance.now() - (this.#callsAtOnce === 1 ? busyMs : perCall);
    for (const [id, ok, value] of outcomes) {
      const item = this.#inflight.get(id);
      if (!item) continue;
      this.#inflight.delete(id);
      // A call cancelled after it started (the worker had not heard yet): its outcome is dropped.
      if (ok === SKIPPED) continue;
      tasks.measured(item.key, perCall);
      const startedAt = started;
      if (this.#callsAtOnce === 1) started += perCall;
      // Done already: an abort or a break came first. (No closure for settle() here, per call.)
      if (item.future.done()) continue;
      stats.times(startedAt, perCall, startedAt - item.submittedAt);
      if (ok) item.future.setResult(value);
      else item.future.setException(fromErrorRecord(value));
    }
    if (this.#inflight.size > 0) {
      if (this.#callsAtOnce > 1) this.#markStarted();
      else {
        // The worker went on to the next call it holds, unless that one was cancelled.
        const next = this.#inflight.values().next().value!;
        if (next.future.state === "pending") next.future.setRunningOrNotifyCancel();
      }
      return false;
    }
    if (this.#leaving) return false;
    this.#channel.unref();
    this.#exclusive = false;
    return true;
  }

  /** Ask the worker to exit once it has finished what it holds (maxTasksPerChild reached). */
  retire(): void {
    this.#leaving = true;
    // Queued work may be waiting for this exit to start a replacement.
    this.#channel.ref();
    this.#channel.send({ t: "exit" });
  }

  /** Let the worker finish and exit (shutdown); resolves when it is gone. */
  close(): Promise<void> {
    // Whoever awaits shutdown() waits for this exit: keep the program alive for it.
    this.#channel.ref();
    if (!this.#leaving) {
      this.#leaving = true;
      this.#channel.send({ t: "exit" });
    }
    return this.exited;
  }

  /** End the worker running `item`: a running call cannot be interrupted, its worker can. */
  abort(item: WorkItem): void {
    this.#inflight.delete(item.id);
    this.#end();
  }

  /**
   * End the worker now with `signal`, after failing each call it runs with `fail` and
   * cancelling those it had not started.
   */
  stop(signal: NodeJS.Signals, fail: (item: WorkItem) => void): Promise<void> {
    this.#leaving = true;
    const held = [...this.#inflight.values()];
    this.#inflight.clear();
    for (const item of held) if (!item.future.cancel()) fail(item);
    this.#end(signal);
    return this.exited;
  }

  /** The pool broke: end the worker and hand back the calls it held, to be failed. */
  abandon(): WorkItem[] {
    const held = [...this.#inflight.values()];
    this.#inflight.clear();
    this.#leaving = true;
    this.#channel.terminate();
    return held;
  }

  #end(signal?: NodeJS.Signals): void {
    this.#leaving = true;
    this.#channel.ref();
    this.#channel.terminate(signal);
  }
}
