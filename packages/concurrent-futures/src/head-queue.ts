// A FIFO queue for the executors: push at the tail, take at a head index.
//
// Array.shift() moves every remaining element, which makes draining a queue of n items
// quadratic. Taking at a head index is constant time; the consumed prefix is dropped when
// the queue empties, or sliced away once it is both large and most of the array.

const COMPACT_AFTER = 4096;

export class HeadQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The next item, left in the queue. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Take the next item; the queue no longer holds it. */
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Take every item, oldest first. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
