// Redis memory after QueueExecutor results are read: a warm-up map, then 20,000 no-op tasks
// on two QueueWorker processes; the read results are removed, so used_memory should grow by
// little more than BullMQ's own bookkeeping (the capped event stream, the id counter).
// Run: npx tsx bench/queue-memory.ts [jobs]   (needs redis-server on the PATH)
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { QueueExecutor } from "concurrent-futures/queue";
import { textTable } from "futures-cli/bench";
import { startRedis } from "@futures/test-support/redis-server";
import { noop } from "./workers/tasks.ts";

const JOBS = Number(process.argv[2] ?? 20_000);
const workerFile = fileURLToPath(new URL("./workers/queue-worker.ts", import.meta.url));
const redis = await startRedis();
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function startWorker(): Promise<void> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, workerFile, "futures", redis.url, "mem", "64"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => text.includes("ready") && resolve());
  });
}

await Promise.all([startWorker(), startWorker()]);
const client = new Redis(redis.url);
const usedMemory = async (): Promise<number> =>
  Number(/used_memory:(\d+)/.exec(await client.info("memory"))![1]);
const keys = async (): Promise<number> => Number(await client.dbsize());

const executor = new QueueExecutor({ queue: "mem", connection: redis.url });
const drain = async (n: number): Promise<void> => {
  for await (const _ of executor.map(
    noop,
    Array.from({ length: n }, (_, i) => i),
  ));
};
await drain(1000); // warm-up: the queue's keys, the workers' registrations, the event stream
await new Promise((resolve) => setTimeout(resolve, 2000));
const before = { memory: await usedMemory(), keys: await keys() };
await drain(JOBS);
await new Promise((resolve) => setTimeout(resolve, 2000)); // read results are removed in batches
const after = { memory: await usedMemory(), keys: await keys() };
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
console.log(`Redis after ${JOBS} results read (2 QueueWorker processes x 64, no-op task)`);
for (const line of textTable(
  ["", "used_memory", "keys"],
  [
    ["after a 1,000-task warm-up", kb(before.memory), String(before.keys)],
    [`after ${JOBS} more`, kb(after.memory), String(after.keys)],
    ["growth", kb(after.memory - before.memory), String(after.keys - before.keys)],
  ],
))
  console.log(line);
const all = await client.keys("*");
const jobHashes = all.filter((key) => /-\d+$/.test(key));
console.log(`job hashes still in Redis: ${jobHashes.length}`);
console.log(
  `other keys: ${all
    .filter((key) => !jobHashes.includes(key))
    .sort()
    .join(", ")}`,
);
await executor.shutdown();
client.disconnect();
for (const child of children) child.kill("SIGKILL");
await redis.stop();
