// The executors the applications run on, in one table: their names on the command line, how
// many downloads each runs at once, where the CPU commands and `futures worker` may use them,
// how messages name them, and how to build each. Every list of executors is derived from it.
// The library is imported only when an executor is built, so that the command line can list
// them without loading it.
import type { Executor } from "concurrent-futures";
import type { Connection } from "concurrent-futures/queue";
import { loadQueueModule } from "./queue-module.ts";

/** An executor whose pool size is known: what every `open` returns. */
export type SizedExecutor = Executor & { readonly maxWorkers: number };

/** Where `-x queue` sends its jobs unless --connection and --queue say otherwise. */
export const DEFAULT_QUEUE = { connection: "redis://127.0.0.1:6379", queue: "futures" } as const;

/** How the line about a queue with no worker names the command and the worker to start. */
export interface QueueUse {
  /** The subcommand: "flags", "arcfour". */
  command: string;
  /** What `futures worker --import` needs for its tasks: "flags" or "cpu". */
  imports: string;
}

/** Where `queue` sends its jobs, and the key it signs them with. */
export interface QueueSettings {
  connection: Connection;
  queue: string;
  key?: Buffer | undefined;
  /** Undefined: no line about a queue without workers (a program, not a command). */
  use?: QueueUse | undefined;
}

/** No executor is ever given more concurrent downloads than this (the book's MAX_CONCUR_REQ). */
export const MAX_CONCURRENCY = 1000;

export interface ExecutorLimits {
  defaultConcurrency: number;
  maxConcurrency: number;
}

interface ExecutorEntry {
  /** Concurrent downloads for `futures flags`. */
  downloads: ExecutorLimits;
  /** How a status line names the workers ("2 processes"). */
  workerNoun: string;
  /** How an error names the executor ("the thread pool broke"). */
  poolNoun: string;
  /** Runs on this process's event loop: downloads there share one set of connections. */
  inProcess: boolean;
  /** Runs on this machine (not through Redis on `futures worker` processes). */
  local: boolean;
  /**
   * For the CPU commands: their place in `-x` (undefined: not offered), and whether the
   * workers are only slots of one event loop or of Redis (any number) rather than isolates.
   */
  cpu?: { order: number; slots: boolean };
  /**
   * A new executor; `maxWorkers` undefined means its own default, `callsPerWorker` how many
   * calls each worker of a pool runs at once (default 1). Undefined: a plain loop. An executor
   * that waits to open (the queue's, for Redis) stops waiting when `signal` aborts, rejecting
   * with its reason.
   */
  open?: (
    maxWorkers: number | undefined,
    queue: QueueSettings,
    callsPerWorker?: number,
    signal?: AbortSignal,
  ) => Promise<SizedExecutor>;
}

// sequential, threads and async keep the book's download defaults. A worker thread or process
// is a whole V8 isolate (about 10 MB and 30-80 ms of CPU to start for a thread, 40 MB and 60 ms
// for a process), so their maxima are far below the event loop's: past a few dozen threads or
// a few processes per core, starting them costs more than the waiting they overlap. `flags -x
// threads` therefore runs several downloads per thread (flags/thread-split.ts).
const TABLE = {
  /** A plain loop. */
  sequential: {
    downloads: { defaultConcurrency: 1, maxConcurrency: 1 },
    workerNoun: "sequential",
    poolNoun: "loop",
    inProcess: true,
    local: true,
  },
  threads: {
    downloads: { defaultConcurrency: 30, maxConcurrency: 64 },
    workerNoun: "threads",
    poolNoun: "thread pool",
    inProcess: false,
    local: true,
    cpu: { order: 1, slots: false },
    open: async (maxWorkers, _queue, callsPerWorker) =>
      new (await import("concurrent-futures")).ThreadPoolExecutor({
        maxWorkers,
        concurrentCallsPerWorker: callsPerWorker,
      }),
  },
  processes: {
    downloads: { defaultConcurrency: 4, maxConcurrency: 16 },
    workerNoun: "processes",
    poolNoun: "process pool",
    inProcess: false,
    local: true,
    cpu: { order: 0, slots: false },
    open: async (maxWorkers) => new (await import("concurrent-futures")).ProcessPoolExecutor({ maxWorkers }),
  },
  /** The event loop: the analog of Python threads under the GIL for CPU-bound work. */
  async: {
    downloads: { defaultConcurrency: 5, maxConcurrency: MAX_CONCURRENCY },
    workerNoun: "async workers",
    poolNoun: "event loop",
    inProcess: true,
    local: true,
    cpu: { order: 2, slots: true },
    open: async (maxWorkers) => new (await import("concurrent-futures")).AsyncExecutor({ maxWorkers }),
  },
  /**
   * Sends the work through Redis to `futures worker` processes, on this machine or others. The
   * number is the window of jobs in Redis (default: twice the live workers' concurrency); the
   * workers' --concurrency bounds the rest.
   */
  queue: {
    downloads: { defaultConcurrency: 30, maxConcurrency: MAX_CONCURRENCY },
    workerNoun: "queued jobs at once",
    poolNoun: "queue",
    inProcess: false,
    local: false,
    cpu: { order: 3, slots: true },
    open: async (window, settings, _callsPerWorker, signal) => {
      await loadQueueModule("-x queue");
      return (await import("./open-queue.ts")).openQueueExecutor(window, settings, signal);
    },
  },
} as const satisfies Record<string, ExecutorEntry>;

export type ExecutorName = keyof typeof TABLE;
export const EXECUTORS: Readonly<Record<ExecutorName, ExecutorEntry>> = TABLE;

/** Every executor, in the order the help lists them. */
export const EXECUTOR_NAMES = Object.keys(TABLE) as ExecutorName[];

/** The executors of this machine alone: what `futures bench` compares downloads on. */
export const LOCAL_EXECUTOR_NAMES = EXECUTOR_NAMES.filter((name) => EXECUTORS[name].local);

/** The executors that are pools of the library (everything but the plain loop). */
export type PoolName = {
  [N in ExecutorName]: (typeof TABLE)[N] extends { open: unknown } ? N : never;
}[ExecutorName];

/** Where the CPU-bound commands may run, in the order of their `-x` choices. */
export type CpuExecutorName = {
  [N in ExecutorName]: (typeof TABLE)[N] extends { cpu: unknown } ? N : never;
}[ExecutorName];
export const CPU_EXECUTORS = EXECUTOR_NAMES.filter((name) => EXECUTORS[name].cpu)
  .map((name) => name as CpuExecutorName)
  .sort((a, b) => EXECUTORS[a].cpu!.order - EXECUTORS[b].cpu!.order);

/** The CPU executors of this machine alone: what `futures bench` compares by default. */
export const LOCAL_CPU_EXECUTORS = CPU_EXECUTORS.filter((name) => EXECUTORS[name].local);

/** What the CPU commands run on unless -x says otherwise. */
export const DEFAULT_CPU_EXECUTOR: CpuExecutorName = "processes";

/** The event loop downloads fastest: no worker start-up, one process, many sockets. */
export const DEFAULT_EXECUTOR: ExecutorName = "async";

/** The name `text` stands for among `allowed`, any case; a RangeError otherwise. */
export function parseExecutorName<Name extends ExecutorName>(
  text: string,
  allowed: readonly Name[],
  what = "executor",
): Name {
  const name = text.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(name)) {
    throw new RangeError(`${what} must be one of ${allowed.join(", ")}, got '${text}'`);
  }
  return name as Name;
}
