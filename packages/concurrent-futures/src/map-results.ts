// The iterator executor.map() returns: results in input order, awaited lazily.
//
// Not an async generator: a suspended generator keeps its locals, so the future and the
// value it last yielded would stay alive until the next next() (CPython's
// test_free_reference). Here a result is dropped by the library as soon as it is handed out.
import { Fifo } from "./fifo.ts";
import { Future } from "./future.ts";

/** The future of a chunk: its result is the list of the chunk's results. */
export class ChunkFuture<R> extends Future<R[]> {}

export class MapResults<R> implements AsyncGenerator<R, void, undefined> {
  readonly #pending: Fifo<Future<unknown>>;
  readonly #deadline: number | undefined;
  readonly #refill: (() => boolean) | undefined;
  /** Results of the chunk being handed out, and where the next one is. */
  #chunk: unknown[] | undefined;
  #chunkIndex = 0;
  #finished = false;
  /** The previous next() call; calls are served one after another, as a generator does. */
  #previous: Promise<void> = Promise.resolve();
  /** next() calls not served yet. */
  #waiting = 0;
  readonly #served = () => void this.#waiting--;

  constructor(
    pending: Fifo<Future<unknown>>,
    deadline: number | undefined,
    refill: (() => boolean) | undefined,
  ) {
    this.#pending = pending;
    this.#deadline = deadline;
    this.#refill = refill;
  }

  next(): Promise<IteratorResult<R, void>> {
    // A result of the chunk in hand, when no earlier call waits: one promise, not four.
    if (this.#waiting === 0 && this.#chunk && this.#chunkIndex < this.#chunk.length) {
      return Promise.resolve({ done: false, value: this.#take() });
    }
    this.#waiting++;
    const result = this.#previous.then(() => this.#step());
    // Keep only the fact that it settled, never the result it carries.
    this.#previous = result.then(this.#served, this.#served);
    return result;
  }

  async return(): Promise<IteratorResult<R, void>> {
    this.#finish();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<R, void>> {
    this.#finish();
    throw error;
  }

  /** It is an async generator to its users: it prints as one, like Python's map() result. */
  get [Symbol.toStringTag](): string {
    return "AsyncGenerator";
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#finish();
  }

  async #step(): Promise<IteratorResult<R, void>> {
    for (;;) {
      if (this.#chunk) {
        if (this.#chunkIndex < this.#chunk.length) return { done: false, value: this.#take() };
        this.#chunk = undefined;
      }
      const future = this.#finished ? undefined : this.#pending.shift();
      if (!future) {
        this.#finish();
        return { done: true, value: undefined };
      }
      this.#refill?.();
      const timeout = this.#deadline === undefined ? undefined : this.#deadline - performance.now();
      let value: unknown;
      try {
        value = await future.result({ timeout });
      } catch (error) {
        future.cancel(); // as Python's _result_or_cancel: a timed-out item must not run later
        this.#finish();
        throw error;
      }
      if (!(future instanceof ChunkFuture)) return { done: false, value: value as R };
      this.#chunk = value as unknown[];
      this.#chunkIndex = 0;
    }
  }

  /** The next result of the chunk in hand, no longer held here. */
  #take(): R {
    const value = this.#chunk![this.#chunkIndex];
    this.#chunk![this.#chunkIndex++] = undefined;
    return value as R;
  }

  /** Stop for good: cancel what has not started. */
  #finish(): void {
    this.#finished = true;
    this.#chunk = undefined;
    for (const future of this.#pending.drain()) future.cancel();
  }
}
