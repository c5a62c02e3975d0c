// The executors the applications run on, in one place: their names on the command line, how
// many downloads each runs at once, how status lines name their workers. Kept free of the
// library so the command line can list them without loading it.

/**
 * `sequential` is a plain loop; the others are executors of the library. `queue` sends the
 * work through Redis to `futures worker` processes, on this machine or others.
 */
export const EXECUTOR_NAMES = ["sequential", "threads", "processes", "async", "queue"] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** The executors of this machine alone: what `futures bench` compares downloads on. */
export const LOCAL_EXECUTOR_NAMES = EXECUTOR_NAMES.filter((name) => name !== "queue");

/** The executors that are pools of the library (everything but the plain loop). */
export type PoolName = Exclude<ExecutorName, "sequential">;

/** Where the CPU-bound commands may run; `async` is the analog of Python threads under the GIL. */
export const CPU_EXECUTORS = [
  "processes",
  "threads",
  "async",
  "queue",
] as const satisfies readonly PoolName[];
export type CpuExecutorName = (typeof CPU_EXECUTORS)[number];

/** The executors of this machine alone: what `futures bench` compares by default. */
export const LOCAL_CPU_EXECUTORS = [
  "processes",
  "threads",
  "async",
] as const satisfies readonly CpuExecutorName[];

/** Where `-x queue` sends its jobs unless --connection and --queue say otherwise. */
export const DEFAULT_QUEUE = { connection: "redis://127.0.0.1:6379", queue: "futures" } as const;

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
}

// sequential, threads and async keep the book's download defaults. A worker thread or process
// is a whole V8 isolate (about 10 MB and 30 ms to start for a thread, 40 MB and 60 ms for a
// process), so their maxima are far below the event loop's: past a few dozen threads or a few
// processes per core, starting them costs more than the waiting they overlap.
export const EXECUTORS: Readonly<Record<ExecutorName, ExecutorEntry>> = {
  sequential: { downloads: { defaultConcurrency: 1, maxConcurrency: 1 }, workerNoun: "sequential" },
  threads: { downloads: { defaultConcurrency: 30, maxConcurrency: 64 }, workerNoun: "threads" },
  processes: { downloads: { defaultConcurrency: 4, maxConcurrency: 16 }, workerNoun: "processes" },
  async: {
    downloads: { defaultConcurrency: 5, maxConcurrency: MAX_CONCURRENCY },
    workerNoun: "async workers",
  },
  // The number is the window of jobs in Redis; the workers' --concurrency bounds the rest.
  queue: {
    downloads: { defaultConcurrency: 30, maxConcurrency: MAX_CONCURRENCY },
    workerNoun: "queued jobs at once",
  },
};

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
