// One worker of a pool as its stats see it: who it is (kind, index, threadId or pid) and the
// time it spent on calls, as its answers report it, against the time since the pool started it.
import { workerStats, type WorkerStats } from "./call-stats.ts";
import type { WorkerInfo } from "./trace-events.ts";

export class WorkerTimes {
  /** The same object in every trace event that names this worker. */
  readonly info: WorkerInfo;
  readonly #callsAtOnce: number;
  readonly #startedAt = performance.now();
  #exitedAt = NaN;
  #busyMs = 0;

  constructor(info: WorkerInfo, callsAtOnce: number) {
    this.info = Object.freeze(info);
    this.#callsAtOnce = callsAtOnce;
  }

  /** It answered calls that kept it busy `ms` milliseconds. */
  busy(ms: number): void {
    this.#busyMs += ms;
  }

  exited(): void {
    this.#exitedAt = performance.now();
  }

  /** Its busy time against the time it has lived (to its exit, if gone). */
  stats(now: number): WorkerStats {
    const end = Number.isNaN(this.#exitedAt) ? now : this.#exitedAt;
    return workerStats(this.info, this.#busyMs, end - this.#startedAt, this.#callsAtOnce);
  }
}
