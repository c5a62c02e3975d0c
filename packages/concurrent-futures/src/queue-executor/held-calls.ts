// The calls a QueueExecutor holds until its window of jobs in Redis has room, in the order
// BullMQ would run them: calls without a priority first (BullMQ takes its wait list before its
// prioritized set), then by priority, lower first; first in, first out within one priority, a
// retried call ahead of those never sent. Without this, a call given priority 1 after 10,000
// held ones would wait behind all of them, whatever Redis does with the window.
import { Fifo } from "../fifo.ts";

/** What the order needs of a call: its BullMQ priority (0: none) and whether it is a retry. */
interface Ordered {
  priority: number;
  attempts: number;
}

export class HeldCalls<C extends Ordered> {
  /** One Fifo per rank; a rank is 2 * priority, plus 1 for a call never sent. */
  readonly #byRank = new Map<number, Fifo<C>>();
  /** The ranks that have calls, ascending (few: one or two without priorities). */
  #ranks: number[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(call: C): void {
    const rank = 2 * call.priority + (call.attempts === 0 ? 1 : 0);
    let fifo = this.#byRank.get(rank);
    if (!fifo) {
      fifo = new Fifo<C>();
      this.#byRank.set(rank, fifo);
      const at = this.#ranks.findIndex((other) => other > rank);
      if (at === -1) this.#ranks.push(rank);
      else this.#ranks.splice(at, 0, rank);
    }
    fifo.push(call);
    this.#length++;
  }

  /** The call to send next, or undefined when none is held. */
  shift(): C | undefined {
    const rank = this.#ranks[0];
    if (rank === undefined) return undefined;
    const fifo = this.#byRank.get(rank)!;
    const call = fifo.shift()!;
    this.#length--;
    if (fifo.length === 0) {
      this.#byRank.delete(rank);
      this.#ranks.shift();
    }
    return call;
  }

  /** The held calls, left held, in the order they would be sent. */
  *[Symbol.iterator](): IterableIterator<C> {
    for (const rank of this.#ranks) yield* this.#byRank.get(rank)!;
  }

  /** Take every held call out, in the order they would have been sent. */
  drain(): C[] {
    const calls = this.#ranks.flatMap((rank) => this.#byRank.get(rank)!.drain());
    this.#byRank.clear();
    this.#ranks = [];
    this.#length = 0;
    return calls;
  }
}
