// Redis full (maxmemory with noeviction): a batch it refuses in part must fail its futures
// with one clear line and leave no job behind to keep Redis full.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { wait } from "../src/index.ts";
import { QueueExecutor } from "../src/queue-executor/index.ts";
import { identity } from "./fixtures/tasks.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
let admin: Redis;

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.port, "127.0.0.1");
});

after(async () => {
  admin?.disconnect();
  await redis?.stop();
});

describe("a full Redis", { timeout: 60_000 }, () => {
  it("fails the calls it refused, says why, and keeps none of their jobs", async () => {
    await using executor = new QueueExecutor({ queue: "full", connection: redis.url, window: 1000 });
    await executor.waitUntilReady();
    const used = Number(/used_memory:(\d+)/.exec(await admin.info("memory"))![1]);
    await admin.config("SET", "maxmemory-policy", "noeviction");
    await admin.config("SET", "maxmemory", String(used + 256 * 1024));
    const payload = "x".repeat(20_000);
    const futures = Array.from({ length: 100 }, (_, i) => executor.submit(identity, `${i}${payload}`));
    const { notDone } = await wait(futures, { timeout: 30_000 });
    assert.equal(notDone.size, 0);
    const errors = await Promise.all(futures.map((future) => future.exception()));
    const refused = errors.filter((error) => error !== null);
    assert.ok(refused.length > 0, "Redis refused some");
    for (const error of refused) assert.match(String(error), /Redis is full \(maxmemory\)/);
    // No worker took anything: every job of this executor is gone from Redis.
    assert.equal(await admin.llen("bull:full:wait"), 0);
    assert.deepEqual(await admin.keys("bull:full:fx-*"), []);
    await admin.config("SET", "maxmemory", "0");
  });
});
