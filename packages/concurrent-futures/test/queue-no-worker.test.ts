// No silent wait for workers: calls that wait with no live worker on the queue are reported,
// through onEvent or as a process warning, and run once a worker comes.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { QueueExecutor, type QueueExecutorEvent } from "../src/queue-executor/index.ts";
import { defaultWindow } from "../src/queue-executor/executor-options.ts";
import { add } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
const started: ChildProcess[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis.stop();
});

function until<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms).unref(),
    ),
  ]);
}

describe("a queue without a live worker", { timeout: 60_000 }, () => {
  it("says so through onEvent, and the call runs once a worker comes", async () => {
    let told!: (event: QueueExecutorEvent) => void;
    const event = new Promise<QueueExecutorEvent>((resolve) => (told = resolve));
    await using executor = new QueueExecutor({
      queue: "nobody-home",
      connection: redis.url,
      reconcileInterval: 200,
      noWorkerWarning: 500,
      onEvent: (e) => told(e),
    });
    const future = executor.submit(add, 2, 3);
    const warning = await until(event, 20_000, "event");
    assert.equal(warning.type, "no-worker");
    assert.equal(warning.queue, "nobody-home");
    assert.match(
      warning.message,
      /no live worker on queue 'nobody-home' at Redis 127\.0\.0\.1:\d+ for \d+ s: 1 calls wait/,
    );
    assert.equal(future.done(), false);
    started.push(await startWorker(redis.url, "nobody-home", "async", 1));
    assert.equal(await future, 5);
  });

  it("is a process warning when nobody listens, and nothing is said while nothing waits", async () => {
    const warnings: NodeJS.ErrnoException[] = [];
    const onWarning = (warning: NodeJS.ErrnoException): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await using idle = new QueueExecutor({
        queue: "idle",
        connection: redis.url,
        noWorkerWarning: 100,
        reconcileInterval: 100,
      });
      await idle.waitUntilReady();
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(warnings.length, 0, "no call waits: nothing to say");
      await using executor = new QueueExecutor({
        queue: "typo",
        connection: redis.url,
        reconcileInterval: 200,
        noWorkerWarning: 300,
      });
      executor.submit(add, 1, 1);
      const deadline = Date.now() + 20_000;
      while (warnings.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(String(warnings[0]?.message), /no live worker on queue 'typo'/);
      assert.equal(warnings[0]?.code, "FUTURES_NO_WORKER");
      await executor.terminateWorkers();
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("sizes its window by live workers only, whatever else the registry holds", async () => {
    const client = new Redis(redis.url);
    try {
      const workers = "bull:forged:futures:workers";
      const live = (id: string) => client.set(`${workers}:${id}`, "1", "PX", 60_000);
      // One real-looking live worker of 3, and what anyone who can write to Redis could add.
      await client.hset(workers, "w-real", "3", "w-huge", "1e12", "w-nan", "lots", "w-dead", "5");
      await client.hset(workers, "w-half", "2.5", "x".repeat(200), "7");
      await Promise.all(["w-real", "w-huge", "w-nan", "w-half", "x".repeat(200)].map(live));
      await using executor = new QueueExecutor({ queue: "forged", connection: redis.url });
      await executor.waitUntilReady();
      assert.equal(executor.window, defaultWindow(3));
      // The dead worker and the id no worker has are forgotten.
      assert.deepEqual((await client.hkeys(workers)).sort(), ["w-half", "w-huge", "w-nan", "w-real"]);
    } finally {
      client.disconnect();
    }
  });
});
