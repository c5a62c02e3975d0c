// A pool's live workers: each started on demand, parked while idle, retired after
// maxTasksPerChild calls, forgotten once it has exited, and all of them closed, stopped or
// abandoned together on shutdown, terminateWorkers() or a break.
import type { CallStats, WorkerStats } from "./call-stats.ts";
import type { InitMessage, Outcome } from "./messages.ts";
import type { TaskRegistry } from "./task-registry.ts";
import type { WorkItem } from "./work-item.ts";
import { WorkerSlot, type SlotEvents, type WorkerChannel, type WorkerEvents } from "./worker-slot.ts";

export interface CrewOptions {
  spawn(events: WorkerEvents): WorkerChannel;
  /** What each new worker runs first. */
  init: InitMessage;
  maxTasksPerChild: number;
  events: SlotEvents;
}

export class WorkerCrew {
  readonly #options: CrewOptions;
  readonly #workers = new Set<WorkerSlot>();
  readonly #idle: WorkerSlot[] = [];
  /** How many workers it has started: the next one's index. */
  #started = 0;

  constructor(options: CrewOptions) {
    this.#options = options;
  }

  /** Number of live workers (started and not yet exited). */
  get size(): number {
    return this.#workers.size;
  }

  start(): WorkerSlot {
    const { spawn, events, maxTasksPerChild, init } = this.#options;
    const worker = new WorkerSlot(spawn, events, maxTasksPerChild, init.callsAtOnce, this.#started++);
    this.#workers.add(worker);
    worker.initialize(init);
    return worker;
  }

  /** The idle worker parked last, if any. */
  takeIdle(): WorkerSlot | undefined {
    return this.#idle.pop();
  }

  park(worker: WorkerSlot): void {
    this.#idle.push(worker);
  }

  /** The busy worker with the most room for calls to run at once beside its own, if any has room. */
  withRoom(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const worker of this.#workers) if (worker.room > (best?.room ?? 0)) best = worker;
    return best;
  }

  /** A busy worker that may be sent its next batch now (see WorkerSlot.takesAhead). */
  takingAhead(batch: number): WorkerSlot | undefined {
    for (const worker of this.#workers) if (worker.takesAhead(batch)) return worker;
    return undefined;
  }

  /** Each live worker's busy and alive times. */
  stats(now: number): WorkerStats[] {
    return [...this.#workers].map((worker) => worker.times.stats(now));
  }

  /** Whether any worker holds a call. */
  busy(): boolean {
    for (const worker of this.#workers) if (!worker.idle) return true;
    return false;
  }

  /** The worker answered calls: settle them; once idle it is parked, or retired if used up. */
  received(
    worker: WorkerSlot,
    outcomes: Outcome[],
    busyMs: number,
    tasks: TaskRegistry,
    stats: CallStats<WorkItem>,
  ): void {
    if (!worker.receive(outcomes, busyMs, tasks, stats)) return;
    if (worker.tasksLeft > 0) {
      this.#idle.push(worker);
      return;
    }
    removeFrom(this.#idle, worker);
    worker.retire();
  }

  /** Cancel the calls sent ahead to workers and not started yet. */
  cancelPending(): void {
    for (const worker of this.#workers) worker.cancelPending();
  }

  /** The worker has exited. */
  forget(worker: WorkerSlot): void {
    this.#workers.delete(worker);
    removeFrom(this.#idle, worker);
  }

  /** End the worker running `item`; false when no worker holds it. */
  abort(item: WorkItem): boolean {
    for (const worker of this.#workers) {
      if (!worker.holds(item)) continue;
      worker.abort(item);
      removeFrom(this.#idle, worker);
      return true;
    }
    return false;
  }

  /** Let every worker finish and exit; resolves when all are gone. */
  async closeAll(): Promise<void> {
    const exits = [...this.#workers].map((worker) => worker.close());
    this.#idle.length = 0;
    await Promise.all(exits);
  }

  /** End every worker now with `signal`, failing what each holds with `fail`. */
  async stopAll(signal: NodeJS.Signals, fail: (item: WorkItem) => void): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.stop(signal, fail)));
  }

  /** End every worker now; returns the calls they held, to be failed. */
  abandonAll(): WorkItem[] {
    return [...this.#workers].flatMap((worker) => worker.abandon());
  }
}

function removeFrom<T>(list: T[], value: T): void {
  const index = list.indexOf(value);
  if (index >= 0) list.splice(index, 1);
}
