// QueueExecutor on a real redis-server with two real worker processes: the behaviour suite
// of the local executors, then what only a queue has (portable task names, windows).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { QueueExecutor, type QueueExecutorOptions } from "../src/queue-executor/index.ts";
import { executorSuite } from "./executor-suite.ts";
import { startRedis, type RedisServer } from "./helpers/redis-server.ts";

const QUEUE = "suite";
let redis: RedisServer;
const workers: ChildProcess[] = [];

/** Start a worker process for `queue`; resolves once it takes jobs. */
export function startWorker(
  url: string,
  queue: string,
  executor = "processes",
  concurrency = 2,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      new URL("./fixtures/queue-worker.ts", import.meta.url).pathname,
      url,
      queue,
      executor,
      String(concurrency),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not start in 20 s")), 20_000);
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      if (text.includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

function executor(options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue: QUEUE, connection: redis.url, reconcileInterval: 300, ...options });
}

before(async () => {
  redis = await startRedis();
  workers.push(...(await Promise.all([startWorker(redis.url, QUEUE), startWorker(redis.url, QUEUE)])));
});

after(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await redis?.stop();
});

// window plays maxWorkers: at most that many jobs are in Redis, so at most that many run,
// and everything beyond it is still held here, pending and cancellable, as in a local pool.
executorSuite("QueueExecutor", ({ maxWorkers }) => executor({ window: maxWorkers }));
