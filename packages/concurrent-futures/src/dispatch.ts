// A pool's queue and its dispatch: calls wait here in submission order, then go to a worker
// in batches; a call is marked running only when its worker starts it. Which worker: an idle
// one, a new one (below maxWorkers), or a busy one when the queue is deep; how many calls at
// once: batch-policy.ts, from the tasks' measured times. A pool whose workers run several
// calls at once (callsAtOnce > 1) sends a worker only what it starts at once, to the worker
// with the most room, and sends nothing ahead.
import { batchSize, fitsInBatch, sendAhead } from "./batch-policy.ts";
import type { ExecutorLifecycle } from "./executor-lifecycle.ts";
import { Fifo } from "./fifo.ts";
import type { TaskRegistry } from "./task-registry.ts";
import type { WorkItem } from "./work-item.ts";
import type { WorkerCrew } from "./worker-crew.ts";
import type { WorkerSlot } from "./worker-slot.ts";

export interface DispatchOptions {
  maxWorkers: number;
  /** Calls one worker runs at once (the pool's concurrentCallsPerWorker). */
  callsAtOnce: number;
  crew: WorkerCrew;
  tasks: TaskRegistry;
  /** Nothing goes out once the pool is broken; idle waiters are told when work ends. */
  lifecycle: ExecutorLifecycle;
}

export class Dispatcher {
  readonly #queue = new Fifo<WorkItem>();
  readonly #maxWorkers: number;
  readonly #callsAtOnce: number;
  readonly #crew: WorkerCrew;
  readonly #tasks: TaskRegistry;
  readonly #lifecycle: ExecutorLifecycle;

  constructor({ maxWorkers, callsAtOnce, crew, tasks, lifecycle }: DispatchOptions) {
    this.#maxWorkers = maxWorkers;
    this.#callsAtOnce = callsAtOnce;
    this.#crew = crew;
    this.#tasks = tasks;
    this.#lifecycle = lifecycle;
  }

  /** Number of calls waiting for a worker (cancelled ones included until dispatch drops them). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queue a call and send what can go now. */
  push(item: WorkItem): void {
    this.#queue.push(item);
    this.dispatch();
  }

  /** Take every queued call out, in order. */
  drain(): WorkItem[] {
    return this.#queue.drain();
  }

  /** Send queued calls to workers while there are workers to take them. */
  dispatch(): void {
    while (!this.#lifecycle.isBroken && this.#queue.length > 0) {
      const worker = this.#pickWorker();
      if (!worker || this.#sendBatch(worker) === 0) break;
    }
    // Dispatch may have dropped the last cancelled items: shutdown() may be waiting for that.
    this.#lifecycle.notifyIdle();
  }

  #pickWorker(): WorkerSlot | undefined {
    const idle = this.#crew.takeIdle();
    if (idle) return idle;
    if (this.#crew.size < this.#maxWorkers) return this.#crew.start();
    if (this.#callsAtOnce > 1) return this.#crew.withRoom();
    // Deep queue: give a worker its next batch before it runs dry.
    const batch = this.#batchSize();
    if (sendAhead(this.#queue.length, this.#crew.size, batch)) return this.#crew.takingAhead(batch);
    return undefined;
  }

  /** How many calls to send at once, judged by the task at the head of the queue. */
  #batchSize(): number {
    const head = this.#queue.peek();
    return batchSize(this.#queue.length, this.#crew.size, head && this.#tasks.meanMs(head.key));
  }

  /** Move calls from the queue to `worker`; returns how many were sent. */
  #sendBatch(worker: WorkerSlot): number {
    const wasIdle = worker.idle;
    const overlapping = this.#callsAtOnce > 1;
    const limit = overlapping ? worker.room : Math.min(this.#batchSize(), worker.tasksLeft);
    const items: WorkItem[] = [];
    let exclusive = false;
    while (items.length < limit && this.#queue.length > 0) {
      const item = this.#queue.peek()!;
      if (item.signal && (!wasIdle || items.length > 0)) break; // goes alone to an idle worker
      if (!overlapping && !fitsInBatch(items.length, this.#tasks.meanMs(item.key))) break;
      this.#queue.shift();
      if (item.future.cancelled()) continue;
      item.worker = worker.times.info;
      // An idle worker starts the first call at once; the others wait there, still pending
      // (cancellable), until the worker reaches them (worker-slot.ts).
      if (wasIdle && items.length === 0) item.future.setRunningOrNotifyCancel();
      items.push(item);
      if (item.signal) {
        exclusive = true;
        break;
      }
    }
    if (items.length > 0) worker.run(items, this.#tasks, exclusive);
    // Still idle: nothing was sent, or nothing could be.
    if (worker.idle) this.#crew.park(worker);
    return items.length;
  }
}
