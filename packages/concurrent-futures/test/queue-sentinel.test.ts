// QueueExecutor and QueueWorker through Sentinel (a master, its replica, three sentinels): a
// redis+sentinel:// URL finds the master, messages name the master in use, and every call
// settles once, with its own result, through a failover the sentinels carry out.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QueueExecutor, QueueWorker, type QueueWorkerEvent } from "../src/queue-executor/index.ts";
import { sleep } from "./fixtures/tasks.ts";
import { notOwnResults, whenDone } from "./helpers/settled.ts";
import { startRedisSentinels, type RedisSentinels } from "@futures/test-support/redis-sentinel";

let sentinels: RedisSentinels;

before(async () => {
  sentinels = await startRedisSentinels();
});

after(async () => {
  await sentinels?.stop();
});

describe("a queue through Sentinel", { timeout: 120_000 }, () => {
  it("settles every call once, with its own result, through a failover", async () => {
    const events: QueueWorkerEvent[] = [];
    const worker = new QueueWorker({
      queue: "sentinel",
      connection: sentinels.url,
      imports: [new URL("./fixtures/tasks.ts", import.meta.url)],
      executor: "async",
      concurrency: 8,
      onEvent: (event) => events.push(event),
    });
    await worker.start();
    try {
      const master = await sentinels.master();
      const ready = events.find((event) => event.type === "ready");
      assert.ok(ready?.type === "ready");
      assert.match(
        ready.redis,
        new RegExp(`^master 'futures' via sentinel [\\d.:,]+, at 127\\.0\\.0\\.1:${master}$`),
      );
      await using executor = new QueueExecutor({ queue: "sentinel", connection: sentinels.url });
      const futures = Array.from({ length: 300 }, (_, i) => executor.submit(sleep, 20, i));
      await whenDone(futures, 60);
      assert.notEqual(await sentinels.failOver(), master);
      const outcomes = await Promise.allSettled(futures);
      assert.deepEqual(notOwnResults(outcomes), []);
    } finally {
      await worker.close();
    }
  });
});
