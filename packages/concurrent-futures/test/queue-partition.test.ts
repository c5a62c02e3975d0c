// A network partition between producer and Redis that drops packets without a reset: no
// socket closes, so only the connection's own heartbeat can tell. Every future must still
// settle within about connectionTimeout, as in an outage, and the executor must say it broke.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
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
});
