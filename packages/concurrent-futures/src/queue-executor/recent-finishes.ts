// How many jobs a worker finished in the last minute, for its heartbeat (worker-registry.ts):
// one counter per second in a ring of 60, so that counting costs no memory per job and the
// count forgets old seconds by itself.
const SECONDS = 60;

export class RecentFinishes {
  readonly #counts = new Array<number>(SECONDS).fill(0);
  /** The second (since the epoch) each slot of the ring counts. */
  readonly #seconds = new Array<number>(SECONDS).fill(-1);

  /** A job finished at `now` (ms since the epoch). */
  record(now = Date.now()): void {
    const second = Math.floor(now / 1000);
    const slot = second % SECONDS;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot]! += 1;
  }

  /** Jobs finished in the 60 seconds up to `now`, this second included. */
  lastMinute(now = Date.now()): number {
    const second = Math.floor(now / 1000);
    let total = 0;
    for (let slot = 0; slot < SECONDS; slot++) {
      if (second - this.#seconds[slot]! < SECONDS) total += this.#counts[slot]!;
    }
    return total;
  }
}
