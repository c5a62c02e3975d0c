// One local pool shared by several QueueWorkers of a process, one worker per queue: its
// concurrency is then the process's tasks at once, whichever queue their jobs came from, as a
// user of `futures worker --queue a --queue b --concurrency 4` expects. BullMQ takes jobs per
// queue, so each worker still takes up to that many jobs of its own queue: a busy process may
// hold more jobs than it runs, and those wait here for a free slot, under their locks (a stop
// with handBack gives them back to their queues).
import { LocalExecutor, checkedPoolSettings, type LocalExecutorKind } from "./local-executor.ts";

export interface LocalPoolOptions {
  /** Where the tasks run (default "processes"). */
  executor?: LocalExecutorKind | undefined;
  /** Tasks run at once, for all the workers sharing the pool (default as QueueWorker's). */
  concurrency?: number | undefined;
  /** Told, in one line, when a task broke the pool and a new one took its place. */
  onWarning?: ((message: string) => void) | undefined;
}

export class LocalPool {
  readonly executorKind: LocalExecutorKind;
  readonly concurrency: number;
  readonly #onWarning: (message: string) => void;
  #local: LocalExecutor | undefined;
  #users = 0;
  /** A worker that lost Redis left tasks running whose results it cannot deliver. */
  #endRunning = false;

  constructor(options: LocalPoolOptions = {}) {
    const { kind, concurrency } = checkedPoolSettings(options.executor, options.concurrency);
    this.executorKind = kind;
    this.concurrency = concurrency;
    this.#onWarning = options.onWarning ?? (() => {});
  }

  /** A worker starts: the pool, made for the first one. */
  join(): LocalExecutor {
    this.#users++;
    this.#local ??= new LocalExecutor(this.executorKind, this.concurrency, this.#onWarning);
    return this.#local;
  }

  /**
   * A worker stopped, its jobs finished or handed back. The last one to leave closes the pool:
   * it ends the calls still running if a worker asked to (`endRunning`), else lets them finish.
   * (The workers of a process share its Redis, so they lose it together, and the last one's
   * leaving comes soon after the first's.)
   */
  async leave({ endRunning }: { endRunning: boolean }): Promise<void> {
    this.#endRunning ||= endRunning;
    if (--this.#users > 0 || !this.#local) return;
    const local = this.#local;
    const end = this.#endRunning;
    this.#local = undefined;
    this.#endRunning = false;
    await (end ? local.terminate() : local.shutdown());
  }
}

/** A worker's executor kind and concurrency: its shared pool's, else its own options', checked. */
export function workerPoolSettings(
  pool: LocalPool | undefined,
  executor: LocalExecutorKind | undefined,
  concurrency: number | undefined,
): { kind: LocalExecutorKind; concurrency: number } {
  if (!pool) return checkedPoolSettings(executor, concurrency);
  if (executor !== undefined || concurrency !== undefined) {
    throw new TypeError("with a shared pool, executor and concurrency are the pool's: give them to it");
  }
  return { kind: pool.executorKind, concurrency: pool.concurrency };
}
