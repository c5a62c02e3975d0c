// A network partition between producer and Redis that drops packets without a reset: no
// socket closes, so only the connection's own heartbeat can tell. Every future must still
// settle within about connectionTimeout, as in an outage, and the executor must say it broke.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { wait } from "../src/index.ts";
import { BrokenQueueExecutor, QueueExecutor } from "../src/queue-executor/index.ts";
import { sleep } from "./fixtures/tasks.ts";
import { BlackholeProxy } from "./helpers/blackhole-proxy.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const CONNECTION_TIMEOUT = 4_000;
let redis: RedisServer;
let proxy: BlackholeProxy;
let worker: ChildProcess;

before(async () => {
  redis = await startRedis();
  proxy = new BlackholeProxy(redis.port);
  await proxy.listen();
  worker = await startWorker(redis.url, "partition", "async", 4);
});

after(async () => {
  worker?.kill("SIGKILL");
  await proxy?.close();
  await redis?.stop();
});

describe("a silent partition between producer and Redis", { timeout: 120_000 }, () => {
  it("fails every outstanding future within connectionTimeout plus the heartbeat's deadline", async () => {
    const executor = new QueueExecutor({
      queue: "partition",
      connection: `redis://127.0.0.1:${proxy.port}`,
      connectionTimeout: CONNECTION_TIMEOUT,
      reconcileInterval: 300,
    });
    await executor.waitUntilReady();
    assert.equal(await executor.submit(sleep, 0, "before"), "before");
    const futures = Array.from({ length: 200 }, (_, i) => executor.submit(sleep, 3_000, i));
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.blackhole();
    // The bound the README promises: connectionTimeout, after half of it (at most 5 s) of silence.
    const { notDone } = await wait(futures, { timeout: CONNECTION_TIMEOUT * 1.5 + 5_000 });
    assert.equal(notDone.size, 0, `${notDone.size} of 200 futures still pending`);
    for (const future of futures) {
      const error = await future.exception();
      if (error !== null) assert.ok(error instanceof BrokenQueueExecutor, String(error));
    }
    assert.match(String(executor), /broken/);
    assert.throws(() => executor.submit(sleep, 0, "after"), BrokenQueueExecutor);
    await executor.shutdown();
  });

  it("removes the results it read even when the connection was reset before their removal", async () => {
    proxy.heal();
    const admin = new Redis(redis.port, "127.0.0.1");
    const resetWorker = await startWorker(redis.url, "reset", "async", 4);
    await using executor = new QueueExecutor({
      queue: "reset",
      connection: `redis://127.0.0.1:${proxy.port}`,
      reconcileInterval: 300,
    });
    await executor.waitUntilReady();
    // Connections reset again and again while results come in: removals meet a lost link.
    const futures = Array.from({ length: 400 }, (_, i) => executor.submit(sleep, i % 20, i));
    for (let reset = 0; reset < 8 && !futures.every((future) => future.done()); reset++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      proxy.reset();
    }
    const results = await Promise.all(futures);
    assert.deepEqual(
      results,
      futures.map((_, i) => i),
    );
    const deadline = Date.now() + 20_000;
    while ((await admin.keys("bull:reset:fx-*")).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await admin.keys("bull:reset:fx-*"), [], "read results left in Redis");
    admin.disconnect();
    resetWorker.kill("SIGKILL");
  });
});
