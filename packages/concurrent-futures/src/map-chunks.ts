// The chunks of a map() call: its items taken at once, as Python's map() does, into one copy,
// each chunk a range of it that becomes an array only when it is sent. A thousand slices made
// up front all outlived the young generation: copying them from space to space was most of
// the parent's garbage collection for a million items.
import { builtArray } from "./plain-data.ts";

/** Items start..end of a map()'s own copy of its input. */
export class Chunk<A = unknown> {
  readonly #source: readonly A[];
  readonly #start: number;
  readonly #end: number;

  constructor(source: readonly A[], start: number, end: number) {
    this.#source = source;
    this.#start = start;
    this.#end = end;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  first(): A {
    return this.#source[this.#start]!;
  }

  /** The items, in an array of their own that the library owns (plain-data.ts). */
  items(): A[] {
    const whole = this.#start === 0 && this.#end === this.#source.length;
    return builtArray(whole ? (this.#source as A[]) : this.#source.slice(this.#start, this.#end));
  }
}

/**
 * The chunks of `items`; `lazily` when map() has a buffersize and takes them as it goes, as
 * Python's does: an array is then sliced a chunk at a time, not copied whole at once.
 */
export function* chunked<A>(items: Iterable<A>, size: number, lazily: boolean): Generator<Chunk<A>> {
  // Not pushed one by one: a million items pushed in a generator cost a quarter second.
  if (Array.isArray(items) && lazily) {
    for (let start = 0; start < items.length; start += size) {
      const slice = items.slice(start, start + size) as A[];
      yield new Chunk(slice, 0, slice.length);
    }
    return;
  }
  if (Array.isArray(items)) {
    const copy = items.slice() as A[];
    for (let start = 0; start < copy.length; start += size)
      yield new Chunk(copy, start, Math.min(start + size, copy.length));
    return;
  }
  let chunk: A[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield new Chunk(chunk, 0, size);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield new Chunk(chunk, 0, chunk.length);
}
