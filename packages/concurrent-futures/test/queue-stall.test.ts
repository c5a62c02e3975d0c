// Redis stalls (a slow disk, a long script: DEBUG SLEEP here) let every short-lived key expire
// at once, the workers' liveness included, while every worker is alive: no running job may
// fail for that. A worker that really died is still found in seconds, by its lapsed liveness.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { QueueExecutor, WorkerLostError } from "../src/queue-executor/index.ts";
import { sleep } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
let admin: Redis;
const started: ChildProcess[] = [];

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.port, "127.0.0.1");
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  admin?.disconnect();
  await redis?.stop();
});

async function runningJobs(queue: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await admin.llen(`bull:${queue}:active`)) < count) {
    if (Date.now() > deadline) throw new Error(`${count} jobs never ran at once`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a Redis that stalls, and a worker that dies", { timeout: 120_000 }, () => {
  it("fails no running job of a live worker through an 8 s stall", async () => {
    started.push(await startWorker(redis.url, "stall", "async", 4, undefined, true));
    await using executor = new QueueExecutor({
      queue: "stall",
      connection: redis.url,
      reconcileInterval: 300,
    });
    const futures = Array.from({ length: 4 }, (_, i) => executor.submit(sleep, 6_000, i));
    await runningJobs("stall", 4);
    await admin.call("DEBUG", "SLEEP", "8");
    assert.deepEqual(await Promise.all(futures), [0, 1, 2, 3]);
  });

  it("still takes back a killed worker's job, with WorkerLostError", async () => {
    const doomed = await startWorker(redis.url, "dies", "async", 1, undefined, true);
    started.push(doomed);
    await using executor = new QueueExecutor({
      queue: "dies",
      connection: redis.url,
      reconcileInterval: 300,
    });
    const future = executor.submit(sleep, 60_000, "never");
    await runningJobs("dies", 1);
    doomed.kill("SIGKILL");
    await assert.rejects(future.result({ timeout: 40_000 }), WorkerLostError);
    assert.equal(await admin.exists(`bull:dies:${"x"}`), 0);
  });
});
