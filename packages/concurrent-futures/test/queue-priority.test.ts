// QueueExecutor's priorities on a real redis-server and one real worker process of concurrency
// 1: BullMQ's order for the jobs in Redis (no priority first, then lower numbers), the same
// order for the calls the executor holds beyond its window, and a high-priority call submitted
// after 10,000 low ones running before nearly all of them.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { Redis } from "ioredis";
import { wait } from "../src/index.ts";
import { QueueExecutor, type QueueExecutorOptions } from "../src/queue-executor/index.ts";
import { markThenWait, recordRun } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "priority";
let redis: RedisServer;
let worker: ChildProcess;
let folder: string;

function executor(options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue: QUEUE, connection: redis.url, reconcileInterval: 300, ...options });
}

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The ids recordRun wrote to `file`, in the order the calls ran. */
function order(file: string): number[] {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map(Number) : [];
}

/** Occupy the only worker with a call that runs until `release()`. */
async function occupy(queue: QueueExecutor) {
  const marker = path.join(folder, "busy");
  const releaseFile = path.join(folder, "release");
  const blocker = queue.submit(markThenWait, marker, releaseFile);
  await until(() => existsSync(marker), "the worker is busy");
  return { blocker, release: () => writeFileSync(releaseFile, "") };
}

before(async () => {
  redis = await startRedis();
  worker = await startWorker(redis.url, QUEUE, "async", 1);
});

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "futures-priority-"));
});

afterEach(() => {
  // A low call the worker had already taken may still append to the folder's file as it goes.
  rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

after(async () => {
  worker?.kill("SIGKILL");
  await redis?.stop();
});

// Submitted in this order while the worker is busy; they must run none first, then by priority
// (lower first), first in first out within one priority.
const PRIORITIES = [5, 3, 9, undefined, 1, 3, undefined, 2_097_151, 1];
const EXPECTED = [3, 6, 4, 8, 1, 5, 0, 2, 7];

describe("QueueExecutor priorities", () => {
  it("orders the jobs in Redis as BullMQ does: none first, then lower numbers", async () => {
    await using queue = executor({ window: 50 }); // every call goes to Redis at once
    const { blocker, release } = await occupy(queue);
    const file = path.join(folder, "order");
    const futures = PRIORITIES.map((priority, id) => queue.submitWith({ priority }, recordRun, file, id, 0));
    const client = new Redis(redis.url);
    try {
      await until(() => futures.every((future) => future.running()), "all are in Redis");
      for (let i = 0; i < 250 && (await client.zcard(`bull:${QUEUE}:prioritized`)) < 7; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(
        await client.zcard(`bull:${QUEUE}:prioritized`),
        7,
        "the prioritized ones wait in BullMQ's set",
      );
    } finally {
      client.disconnect();
    }
    release();
    const { notDone } = await wait([blocker, ...futures], { timeout: 20_000 });
    assert.equal(notDone.size, 0);
    assert.deepEqual(order(file), EXPECTED);
  });

  it("orders the calls it holds beyond its window the same way", async () => {
    await using queue = executor({ window: 1 }); // the blocker fills the window: the rest is held here
    const { blocker, release } = await occupy(queue);
    const file = path.join(folder, "order");
    const futures = PRIORITIES.map((priority, id) => queue.submitWith({ priority }, recordRun, file, id, 0));
    assert.ok(
      futures.every((future) => future.state === "pending"),
      "held here",
    );
    release();
    const { notDone } = await wait([blocker, ...futures], { timeout: 20_000 });
    assert.equal(notDone.size, 0);
    assert.deepEqual(order(file), EXPECTED);
  });

  it(
    "runs a high-priority call submitted after 10,000 low ones before nearly all of them",
    { timeout: 120_000 },
    async () => {
      const queue = executor({ window: 2 });
      const file = path.join(folder, "order");
      try {
        const low = Array.from({ length: 10_000 }, (_, id) =>
          queue.submitWith({ priority: 10 }, recordRun, file, id, 5),
        );
        const high = queue.submitWith({ priority: 1 }, recordRun, file, -1, 0);
        assert.equal(await high.result({ timeout: 60_000 }), -1);
        const before = order(file).indexOf(-1);
        // Only the low calls already in Redis's window (2) when it came may have gone first.
        assert.ok(before <= 2, `${before} low-priority calls ran before it`);
        await queue.terminateWorkers(); // the 9,990-odd still held are cancelled
        assert.ok(low.filter((future) => future.cancelled()).length > 9_000);
      } finally {
        await queue.terminateWorkers();
      }
    },
  );

  it("withdraws a prioritized job no worker took when its signal aborts", async () => {
    await using queue = executor({ window: 10 });
    const { blocker, release } = await occupy(queue);
    const controller = new AbortController();
    const file = path.join(folder, "order");
    const future = queue.submitWith({ priority: 4, signal: controller.signal }, recordRun, file, 1, 0);
    const client = new Redis(redis.url);
    try {
      for (let i = 0; i < 250 && (await client.zcard(`bull:${QUEUE}:prioritized`)) < 1; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(future.running(), true, "in Redis");
      controller.abort();
      await until(() => future.cancelled(), "its job is withdrawn and its future cancelled", 5_000);
      assert.equal(await client.zcard(`bull:${QUEUE}:prioritized`), 0, "nothing left for a worker");
    } finally {
      client.disconnect();
    }
    release();
    await blocker.result({ timeout: 20_000 });
    assert.deepEqual(order(file), [], "never ran");
  });
});
