// QueueExecutor against raw BullMQ on the same redis-server, in one run, rounds interleaved:
// 20,000 no-op jobs with two worker processes of concurrency 64 each (raw: Queue.addBulk +
// Worker + QueueEvents; futures: QueueExecutor.map + two QueueWorker processes on an
// AsyncExecutor), the same map with chunksize 100 in items/s, and the median round trip of one
// submit -> result. Run: npx tsx bench/queue.ts [jobs]   (needs redis-server on the PATH)
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { QueueExecutor } from "concurrent-futures/queue";
import { median } from "../packages/futures-cli/src/cpu/bench-measure.ts";
import { textTable } from "../packages/futures-cli/src/cli/text-table.ts";
import { startRedis } from "../packages/concurrent-futures/test/helpers/redis-server.ts";
import { noop } from "./workers/tasks.ts";

const JOBS = Number(process.argv[2] ?? 20_000);
const ROUNDS = 3;
const CONCURRENCY = 64;
const ROUND_TRIPS = 300;
const workerFile = fileURLToPath(new URL("./workers/queue-worker.ts", import.meta.url));

const redis = await startRedis();
const connection = { host: "127.0.0.1", port: redis.port };
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function startWorker(mode: "raw" | "futures", queue: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, workerFile, mode, redis.url, queue, String(CONCURRENCY)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`${mode} worker exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => text.includes("ready") && resolve());
  });
}

await Promise.all([
  startWorker("raw", "raw"),
  startWorker("raw", "raw"),
  startWorker("futures", "fx"),
  startWorker("futures", "fx"),
]);

// Raw BullMQ: one producer Queue, one QueueEvents counting completions.
const rawQueue = new Queue("raw", { connection });
const rawEvents = new QueueEvents("raw", { connection });
await rawEvents.waitUntilReady();
let rawSeq = 0;
const rawWaiters = new Map<string, () => void>();
let rawCompleted = 0;
rawEvents.on("completed", ({ jobId }) => {
  rawCompleted++;
  rawWaiters.get(jobId)?.();
});

async function rawBatch(n: number): Promise<number> {
  const target = rawCompleted + n;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (rawCompleted >= target) {
        clearInterval(check);
        resolve();
      }
    }, 1);
  });
  for (let i = 0; i < n; i += 1000) {
    const jobs = Array.from({ length: Math.min(1000, n - i) }, () => ({
      name: "noop",
      data: {},
      opts: { jobId: `raw-${++rawSeq}`, removeOnComplete: true, removeOnFail: true },
    }));
    await rawQueue.addBulk(jobs);
  }
  await done;
  return performance.now() - started;
}

async function rawRoundTrip(): Promise<number> {
  const jobId = `raw-${++rawSeq}`;
  const started = performance.now();
  const done = new Promise<void>((resolve) => rawWaiters.set(jobId, resolve));
  await rawQueue.add("noop", {}, { jobId, removeOnComplete: true, removeOnFail: true });
  await done;
  rawWaiters.delete(jobId);
  return performance.now() - started;
}

const executor = new QueueExecutor({ queue: "fx", connection: redis.url });
await executor.waitUntilReady();

async function futuresMap(n: number, chunksize = 1): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const _ of executor.map(
    noop,
    Array.from({ length: n }, (_, i) => i),
    { chunksize },
  ))
    count++;
  if (count !== n) throw new Error(`map gave ${count} results`);
  return performance.now() - started;
}

async function futuresRoundTrip(): Promise<number> {
  const started = performance.now();
  await executor.submit(noop);
  return performance.now() - started;
}

// Warm both sides.
await rawBatch(2000);
await futuresMap(2000);

const rawMs: number[] = [];
const futuresMs: number[] = [];
const chunkMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  rawMs.push(await rawBatch(JOBS));
  futuresMs.push(await futuresMap(JOBS));
  chunkMs.push(await futuresMap(JOBS, 100));
}
const rawTrips: number[] = [];
const futuresTrips: number[] = [];
for (let i = 0; i < ROUND_TRIPS; i++) {
  rawTrips.push(await rawRoundTrip());
  futuresTrips.push(await futuresRoundTrip());
}

const rate = (ms: number) => Math.round((JOBS * 1000) / ms);
const rawRate = rate(median(rawMs));
const futuresRate = rate(median(futuresMs));
const chunkRate = rate(median(chunkMs));
console.log(
  `${JOBS} no-op jobs, 2 worker processes x ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds`,
);
for (const line of textTable(
  ["", "jobs/s", "÷ raw BullMQ"],
  [
    ["raw BullMQ (addBulk + Worker + QueueEvents)", String(rawRate), "1.00"],
    ["QueueExecutor.map", String(futuresRate), (futuresRate / rawRate).toFixed(2)],
    ["QueueExecutor.map chunksize 100 (items/s)", String(chunkRate), (chunkRate / rawRate).toFixed(2)],
  ],
))
  console.log(line);
console.log("");
const rawTrip = median(rawTrips);
const futuresTrip = median(futuresTrips);
console.log(`round trip of one submit -> result, median of ${ROUND_TRIPS}, interleaved`);
for (const line of textTable(
  ["", "ms", "÷ raw BullMQ"],
  [
    ["raw BullMQ (add + shared QueueEvents)", rawTrip.toFixed(2), "1.00"],
    ["QueueExecutor.submit", futuresTrip.toFixed(2), (futuresTrip / rawTrip).toFixed(2)],
  ],
))
  console.log(line);

await executor.shutdown();
await rawEvents.close();
await rawQueue.close();
for (const child of children) child.kill("SIGKILL");
await redis.stop();
