// The executor on which a QueueWorker runs its jobs, in this machine. A task that ends its
// process or thread (process.exit, a crash, an unhandled rejection) breaks a local pool, as
// in Python, failing what ran there; the worker then goes on with a new pool, so that one bad
// task does not fail every job after it.
import os from "node:os";
import { AsyncExecutor } from "../async-pool.ts";
import { BrokenExecutor } from "../errors.ts";
import type { Executor } from "../executor.ts";
import type { Future } from "../future.ts";
import { ProcessPoolExecutor } from "../process-pool.ts";
import type { AnyFunction } from "../task.ts";
import { ThreadPoolExecutor } from "../thread-pool.ts";

export type LocalExecutorKind = "processes" | "threads" | "async";

export const LOCAL_EXECUTOR_KINDS: readonly LocalExecutorKind[] = ["processes", "threads", "async"];

/** Tasks run at once by default: one per CPU for processes and threads, 64 for async. */
export function defaultConcurrency(kind: LocalExecutorKind): number {
  return kind === "async" ? 64 : os.availableParallelism();
}

/** A pool's kind and size, checked; the size defaults by kind. */
export function checkedPoolSettings(
  executor: LocalExecutorKind | undefined,
  concurrency: number | undefined,
): { kind: LocalExecutorKind; concurrency: number } {
  const kind = executor ?? "processes";
  if (!LOCAL_EXECUTOR_KINDS.includes(kind)) {
    throw new TypeError(`executor must be processes, threads or async, got ${kind}`);
  }
  const size = concurrency ?? defaultConcurrency(kind);
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${size}`);
  }
  return { kind, concurrency: size };
}

function makeExecutor(kind: LocalExecutorKind, concurrency: number): Executor {
  if (kind === "threads") return new ThreadPoolExecutor({ maxWorkers: concurrency });
  if (kind === "async") return new AsyncExecutor({ maxWorkers: concurrency });
  return new ProcessPoolExecutor({ maxWorkers: concurrency });
}

export class LocalExecutor {
  readonly kind: LocalExecutorKind;
  readonly concurrency: number;
  #executor: Executor;
  readonly #renewed: (message: string) => void;
  #closing = false;

  /** `renewed` is told, in one line, when a broken pool was replaced. */
  constructor(kind: LocalExecutorKind, concurrency: number, renewed: (message: string) => void) {
    this.kind = kind;
    this.concurrency = concurrency;
    this.#renewed = renewed;
    this.#executor = makeExecutor(kind, concurrency);
  }

  /** The executor now; map() chunks run on it directly. */
  get current(): Executor {
    return this.#executor;
  }

  /** Submit; a pool found broken before this call's turn is renewed, and the call runs on the new one. */
  submit(
    signal: AbortSignal | undefined,
    fn: AnyFunction,
    args: unknown[],
  ): { executor: Executor; future: Future<unknown> } {
    const executor = this.#executor;
    try {
      return { executor, future: executor.submitWith({ signal }, fn, ...args) };
    } catch (error) {
      this.renewIfBroken(executor, error);
      if (this.#executor === executor) throw error;
      return { executor: this.#executor, future: this.#executor.submitWith({ signal }, fn, ...args) };
    }
  }

  /** After `error` from a call on `executor`: replace that executor if the error says it broke. */
  renewIfBroken(executor: Executor, error: unknown): void {
    if (!(error instanceof BrokenExecutor) || executor !== this.#executor || this.#closing) return;
    this.#executor = makeExecutor(this.kind, this.concurrency);
    void executor.terminateWorkers().catch(() => {});
    this.#renewed(
      `a task broke the local pool (${error.message}); its jobs failed, and a new pool takes the next ones`,
    );
  }

  /** The worker is stopping: a broken pool is no longer replaced. */
  stopRenewing(): void {
    this.#closing = true;
  }

  /** Finish the calls that run, cancel the others. */
  shutdown(): Promise<void> {
    this.#closing = true;
    return this.#executor.shutdown({ cancelFutures: true });
  }

  /** End every call now. */
  terminate(): Promise<void> {
    this.#closing = true;
    return this.#executor.terminateWorkers();
  }
}
