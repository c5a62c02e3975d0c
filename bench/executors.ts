// Overhead of submit + await for 100k no-op tasks, our executors against their peers in
// one run: AsyncExecutor vs p-limit and p-queue; ThreadPoolExecutor vs piscina and tinypool
// (2 worker threads); ProcessPoolExecutor vs tinypool's child_process runtime and
// workerpool's process mode (2 child processes). Run: npx tsx bench/executors.ts [tasks]
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import PQueue from "p-queue";
import { Piscina } from "piscina";
import Tinypool from "tinypool";
import workerpool from "workerpool";
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from "concurrent-futures";
import { median } from "../packages/futures-cli/src/cpu/bench-measure.ts";
import { textTable } from "../packages/futures-cli/src/cli/text-table.ts";
import { noop } from "./workers/tasks.ts";

const TASKS = Number(process.argv[2] ?? 100_000);
const RUNS = 3;
const WORKERS = 2;
const CONCURRENCY = 100;
const noopFile = fileURLToPath(new URL("./workers/noop.mjs", import.meta.url));
const workerpoolFile = fileURLToPath(new URL("./workers/workerpool-noop.cjs", import.meta.url));

interface Contender {
  name: string;
  /** Start the pool, warm it, and return a function that runs `n` tasks and a closer. */
  setup(): Promise<{ run(n: number): Promise<unknown>; close(): Promise<unknown> }>;
}

const inProcess: Contender[] = [
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

const threads: Contender[] = [
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
];

const processes: Contender[] = [
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
  {
    name: "workerpool (process)",
    async setup() {
      const pool = workerpool.pool(workerpoolFile, {
        workerType: "process",
        minWorkers: WORKERS,
        maxWorkers: WORKERS,
      });
      return {
        run: (n) => Promise.all(Array.from({ length: n }, () => pool.exec("noop", []))),
        close: async () => {
          await pool.terminate();
        },
      };
    },
  },
];

async function measure(group: string, contenders: Contender[]): Promise<void> {
  const rows: string[][] = [];
  let ours = 0;
  for (const contender of contenders) {
    const { run, close } = await contender.setup();
    await run(Math.min(TASKS, 2000)); // warm up: workers started, code optimised
    const rates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run(TASKS);
      rates.push(TASKS / ((performance.now() - started) / 1000));
    }
    await close();
    const rate = median(rates);
    if (rows.length === 0) ours = rate;
    rows.push([contender.name, Math.round(rate).toLocaleString("en-US"), (ours / rate).toFixed(2)]);
  }
  console.log(`\n${group}: ${TASKS.toLocaleString("en-US")} no-op tasks, submit + await, median of ${RUNS}`);
  for (const line of textTable(["executor", "tasks/s", "futures ÷ peer"], rows)) console.log(line);
}

await measure(`In-process, concurrency ${CONCURRENCY}`, inProcess);
await measure(`${WORKERS} worker threads`, threads);
await measure(`${WORKERS} child processes`, processes);
