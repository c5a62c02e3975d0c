// AsyncExecutor's slots: its maxWorkers places for a running function, numbered from 0 and
// made on first use, so that its stats can say how busy each one is, as a pool says it of
// each thread or process. A call takes the free slot used last (the lowest numbers stay busy
// and the others stay unmade while few calls run) and gives it back when the call ends.
import { workerStats, type WorkerStats } from "./call-stats.ts";

export class AsyncSlots {
  /** Free slots, the one given back last at the end. */
  readonly #free: number[] = [];
  readonly #busyMs: number[] = [];
  readonly #madeAt: number[] = [];
  /** When the call in each slot started; NaN while it is free. */
  readonly #since: number[] = [];

  /** Take a slot for a call starting at `now`; returns its index. */
  take(now: number): number {
    let index = this.#free.pop();
    if (index === undefined) {
      index = this.#madeAt.length;
      this.#madeAt.push(now);
      this.#busyMs.push(0);
      this.#since.push(now);
      return index;
    }
    this.#since[index] = now;
    return index;
  }

  /** The call in slot `index` ended at `now`; returns its run time. */
  give(index: number, now: number): number {
    const ms = now - this.#since[index]!;
    this.#busyMs[index]! += ms;
    this.#since[index] = NaN;
    this.#free.push(index);
    return ms;
  }

  /** Each slot made so far, busy time counting the call it runs now. */
  stats(now: number): WorkerStats[] {
    return this.#madeAt.map((madeAt, index) => {
      const since = this.#since[index]!;
      const busy = this.#busyMs[index]! + (Number.isNaN(since) ? 0 : now - since);
      return workerStats({ kind: "async", index }, busy, now - madeAt);
    });
  }
}
