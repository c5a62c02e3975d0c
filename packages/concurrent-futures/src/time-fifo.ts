// A first-in first-out queue of times, beside a queue of calls: AsyncExecutor keeps there
// when each waiting call was submitted, unboxed in a ring of doubles, so that timing its
// calls adds no object per call (a double in an object is a heap number of its own, and with
// a hundred thousand calls queued the collector's work grows with every byte each one holds).
export class TimeFifo {
  #ring = new Float64Array(16);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(time: number): void {
    if (this.#length === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#length++) & (this.#ring.length - 1)] = time;
  }

  /** The oldest time, or NaN when empty. */
  shift(): number {
    if (this.#length === 0) return NaN;
    const time = this.#ring[this.#head]!;
    this.#head = (this.#head + 1) & (this.#ring.length - 1);
    this.#length--;
    return time;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const ring = new Float64Array(this.#ring.length * 2);
    for (let i = 0; i < this.#length; i++) ring[i] = this.#ring[(this.#head + i) & (this.#ring.length - 1)]!;
    this.#ring = ring;
    this.#head = 0;
  }
}
