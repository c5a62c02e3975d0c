// A producer's reader of the queue's event stream, on a real redis-server: of the four events a
// job leaves, only completions and failures reach the executor, their fields decoded as UTF-8
// (the reader reads the stream as bytes), and an entry that is not an event is passed over.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { CompletionReader } from "../src/queue-executor/completion-reader.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

describe("the completion reader", () => {
  it("hands on completions and failures with their text whole, and nothing else", async () => {
    const admin = new Redis(redis.port, "127.0.0.1");
    const stream = "bull:reader:events";
    const completed: [string, unknown][] = [];
    const failed: [string, string][] = [];
    const read: string[] = [];
    const reader = new CompletionReader(
      "reader",
      { connection: { host: "127.0.0.1", port: redis.port }, lastEventId: "0-0" },
      {
        completed: (jobId, value) => completed.push([jobId, value]),
        failed: (jobId, reason) => failed.push([jobId, reason]),
        read: (id) => read.push(id),
        quiet: () => false,
      },
    );
    try {
      await reader.waitUntilReady();
      await admin.xadd(stream, "*", "event", "added", "jobId", "j-1", "name", "noop");
      await admin.xadd(stream, "*", "event", "active", "jobId", "j-1", "prev", "waiting");
      const done = await admin.xadd(
        stream,
        "*",
        "event",
        "completed",
        "jobId",
        "j-ü",
        "returnvalue",
        '[1,"é ✓ 𝄞"]',
      );
      await admin.xadd(stream, "*", "not-an-event", "completed", "jobId", "j-x", "returnvalue", "[1,2]");
      await admin.xadd(stream, "*", "event", "completedness", "jobId", "j-y", "returnvalue", "[1,3]");
      const lost = await admin.xadd(
        stream,
        "*",
        "event",
        "failed",
        "jobId",
        "j-2",
        "failedReason",
        "broke: ∅",
      );
      while (failed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(completed, [["j-ü", [1, "é ✓ 𝄞"]]]);
      assert.deepEqual(failed, [["j-2", "broke: ∅"]]);
      assert.deepEqual(read, [done, lost]);
    } finally {
      await reader.close();
      admin.disconnect();
    }
  });
});
