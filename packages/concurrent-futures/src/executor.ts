// The Executor contract shared by every executor: submit, an ordered lazy map, shutdown.
import type { MessagePort } from "node:worker_threads";
import type { ExecutorStats } from "./call-stats.ts";
import { Fifo } from "./fifo.ts";
import type { Future } from "./future.ts";
import { chunked, type Chunk } from "./map-chunks.ts";
import { ChunkFuture, MapResults } from "./map-results.ts";
import type { AnyFunction } from "./task.ts";
import { checkInteger, checkOptionalInteger, checkTimeout } from "./validate.ts";

export { ChunkFuture };
export type { ExecutorStats };

/**
 * What a worker thread can take over instead of a copy (ArrayBuffer, MessagePort, ...). Named
 * through postMessage's own parameter because @types/node renamed the type between versions.
 */
export type TransferItem = NonNullable<Parameters<MessagePort["postMessage"]>[1]>[number];

export interface SubmitOptions {
  /** Aborting it stops the task: in-process it is handed to the function, in a pool it ends the worker. */
  signal?: AbortSignal | undefined;
  /** Objects to transfer instead of copy to a worker thread (ArrayBuffers, ports). */
  transfer?: readonly TransferItem[] | undefined;
}

export interface MapOptions {
  /** Milliseconds from the call to map() after which a missing result raises TimeoutError. */
  timeout?: number | undefined;
  /** Items sent to a pool's worker per message (default 1); AsyncExecutor ignores it. */
  chunksize?: number | undefined;
  /** Submit at most this many items ahead of the consumer, so an endless iterable works. */
  buffersize?: number | undefined;
}

export interface ShutdownOptions {
  /** Wait until every submitted task has finished (default true). */
  wait?: boolean | undefined;
  /** Cancel tasks that have not started yet (default false). */
  cancelFutures?: boolean | undefined;
}

export type Result<F extends AnyFunction> = Awaited<ReturnType<F>>;

/**
 * `Accepts` is what a function must also be to run on this executor: `unknown` (any
 * function) for AsyncExecutor, a function made by task() for the thread and process pools.
 */
export abstract class Executor<Accepts = unknown> {
  /** At most this many calls run at once (a queue's window of jobs in Redis). */
  abstract readonly maxWorkers: number;

  /** Schedule `fn(...args)` and return a Future of its result. */
  submit<F extends AnyFunction>(fn: F & Accepts, ...args: Parameters<F>): Future<Result<F>> {
    return this.submitWith({}, fn, ...args);
  }

  /** submit() with options: an AbortSignal, or transferables for worker threads. */
  abstract submitWith<F extends AnyFunction>(
    options: SubmitOptions,
    fn: F & Accepts,
    ...args: Parameters<F>
  ): Future<Result<F>>;

  /** Stop taking work; optionally cancel what has not started and wait for the rest. */
  abstract shutdown(options?: ShutdownOptions): Promise<void>;

  /**
   * Stop now (Python 3.14's terminate_workers): shut down, cancel what has not started, and
   * fail what is running instead of waiting for it. A pool ends its workers; an in-process
   * executor cannot stop a function midway, so it aborts the signal of abortable() ones.
   */
  abstract terminateWorkers(): Promise<void>;

  /**
   * Counts of the calls by state, percentiles of their wait and run times, and each worker's
   * utilization: a snapshot, always measured (see the README's "Seeing the work").
   */
  abstract stats(): ExecutorStats;

  /**
   * Apply `fn` to every item and yield the results in input order. Work is submitted now
   * (or `buffersize` items ahead); results are awaited lazily as the iterator is read.
   * Leaving the loop early cancels what has not started. A result is not held once handed out.
   */
  map<A, R>(
    fn: ((item: A) => R) & Accepts,
    items: Iterable<A>,
    { timeout, chunksize = 1, buffersize }: MapOptions = {},
  ): AsyncGenerator<Awaited<R>, void, undefined> {
    checkInteger("chunksize", chunksize, 1);
    checkOptionalInteger("buffersize", buffersize, 1);
    const ms = checkTimeout(timeout);
    const deadline = ms === undefined ? undefined : performance.now() + ms;
    const chunks = chunked(items, this.submitChunk ? chunksize : 1, buffersize !== undefined);
    const pending = new Fifo<Future<unknown>>();
    const submitNext = (): boolean => {
      const next = chunks.next();
      if (next.done) return false;
      const chunk = next.value;
      pending.push(chunk.length === 1 ? this.submit(fn, chunk.first()) : this.submitChunk!(fn, chunk));
      return true;
    };
    while ((buffersize === undefined || pending.length < buffersize) && submitNext());
    return new MapResults<Awaited<R>>(pending, deadline, buffersize === undefined ? undefined : submitNext);
  }

  /**
   * Pools that can send several items in one message implement this; map() then honours
   * chunksize. The chunk's items (its items()) are best copied only when they are sent.
   */
  protected submitChunk?<A, R>(fn: (item: A) => R, chunk: Chunk<A>): ChunkFuture<Awaited<R>>;

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }
}
