// Overhead of submit + await for 100k no-op tasks, our executors against their peers in
// one run, alternated run by run: AsyncExecutor vs p-limit and p-queue; ThreadPoolExecutor
// vs piscina, tinypool and workerpool (2 worker threads); ProcessPoolExecutor vs tinypool's
// child_process runtime and workerpool's process mode (2 child processes).
// Run: npx tsx bench/executors.ts [tasks]
import { fileURLToPath, pathToFileURL } from "node:url";
import pLimit from "p-limit";
import PQueue from "p-queue";
import { Piscina } from "piscina";
import Tinypool from "tinypool";
import workerpool from "workerpool";
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from "concurrent-futures";
import { median, textTable } from "futures-cli/bench";
import { noop } from "./workers/tasks.ts";

const RUNS = 3;
const WORKERS = 2;
const CONCURRENCY = 100;
const noopFile = fileURLToPath(new URL("./workers/noop.mjs", import.meta.url));
const workerpoolFile = fileURLToPath(new URL("./workers/workerpool-noop.cjs", import.meta.url));

export interface Contender {
  name: string;
  /** Start the pool, warm it, and return a function that runs `n` tasks and a closer. */
  setup(): Promise<{ run(n: number): Promise<unknown>; close(): Promise<unknown> }>;
}

export const inProcess: Contender[] = [
  {
    name: "futures AsyncExecutor",
    async setup() {
      const executor = new AsyncExecutor({ maxWorkers: CONCURRENCY });
      const job = () => undefined;
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => executor.submit(job).result())),
        close: () => executor.shutdown(),
      };
    },
  },
  {
    name: "p-limit",
    async setup() {
      const limit = pLimit(CONCURRENCY);
      const job = () => undefined;
      return { run: (n) => Promise.all(Array.from({ length: n }, () => limit(job))), close: async () => {} };
    },
  },
  {
    name: "p-queue",
    async setup() {
      const queue = new PQueue({ concurrency: CONCURRENCY });
      const job = () => undefined;
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => queue.add(job))),
        close: async () => {},
      };
    },
  },
];

/** workerpool with 2 workers of `workerType`, running the no-op of workerpool-noop.cjs. */
function workerpoolContender(workerType: "thread" | "process"): Contender {
  return {
    name: `workerpool (${workerType === "thread" ? "threads" : "process"})`,
    async setup() {
      const pool = workerpool.pool(workerpoolFile, { workerType, minWorkers: WORKERS, maxWorkers: WORKERS });
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => pool.exec("noop", []))),
        close: async () => {
          await pool.terminate();
        },
      };
    },
  };
}

export const threads: Contender[] = [
  {
    name: "futures ThreadPoolExecutor",
    async setup() {
      const pool = new ThreadPoolExecutor({ maxWorkers: WORKERS });
      const run = (n: number) => Promise.all(Array.from({ length: n }, () => pool.submit(noop).result()));
      return { run, close: () => pool.shutdown() };
    },
  },
  {
    name: "piscina",
    async setup() {
      const pool = new Piscina({ filename: noopFile, minThreads: WORKERS, maxThreads: WORKERS });
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => pool.run(null))),
        close: () => pool.destroy(),
      };
    },
  },
  {
    name: "tinypool (threads)",
    async setup() {
      const pool = new Tinypool({ filename: noopFile, minThreads: WORKERS, maxThreads: WORKERS });
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => pool.run(null))),
        close: () => pool.destroy(),
      };
    },
  },
  workerpoolContender("thread"),
];

export const processes: Contender[] = [
  {
    name: "futures ProcessPoolExecutor",
    async setup() {
      const pool = new ProcessPoolExecutor({ maxWorkers: WORKERS });
      const run = (n: number) => Promise.all(Array.from({ length: n }, () => pool.submit(noop).result()));
      return { run, close: () => pool.shutdown() };
    },
  },
  {
    name: "tinypool (child_process)",
    async setup() {
      const pool = new Tinypool({
        filename: noopFile,
        runtime: "child_process",
        minThreads: WORKERS,
        maxThreads: WORKERS,
      });
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => pool.run(null))),
        close: () => pool.destroy(),
      };
    },
  },
  workerpoolContender("process"),
];

export interface Rate {
  name: string;
  /** Median tasks per second. */
  tasksPerSecond: number;
}

/**
 * Every contender started and warmed, then `tasks` no-ops submitted and awaited by each in
 * turn, RUNS rounds: alternated run by run, so the load of a shared machine falls on all
 * alike. The pools stay started between their runs (idle, their workers wait on a message).
 */
export async function measureRates(contenders: readonly Contender[], tasks: number): Promise<Rate[]> {
  const pools: Awaited<ReturnType<Contender["setup"]>>[] = [];
  const samples: number[][] = contenders.map(() => []);
  try {
    for (const contender of contenders) {
      const pool = await contender.setup();
      pools.push(pool);
      await pool.run(Math.min(tasks, 2000)); // warm up: workers started, code optimised
    }
    for (let round = 0; round < RUNS; round++) {
      for (const [index, pool] of pools.entries()) {
        const started = performance.now();
        await pool.run(tasks);
        samples[index]!.push(tasks / ((performance.now() - started) / 1000));
      }
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return contenders.map((contender, index) => ({
    name: contender.name,
    tasksPerSecond: median(samples[index]!),
  }));
}

async function measure(group: string, contenders: Contender[], tasks: number): Promise<void> {
  const rates = await measureRates(contenders, tasks);
  const ours = rates[0]!.tasksPerSecond;
  const rows = rates.map(({ name, tasksPerSecond }) => [
    name,
    Math.round(tasksPerSecond).toLocaleString("en-US"),
    (ours / tasksPerSecond).toFixed(2),
  ]);
  console.log(`\n${group}: ${tasks.toLocaleString("en-US")} no-op tasks, submit + await, median of ${RUNS}`);
  for (const line of textTable(["executor", "tasks/s", "futures ÷ peer"], rows)) console.log(line);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const tasks = Number(process.argv[2] ?? 100_000);
  await measure(`In-process, concurrency ${CONCURRENCY}`, inProcess, tasks);
  await measure(`${WORKERS} worker threads`, threads, tasks);
  await measure(`${WORKERS} child processes`, processes, tasks);
}
