// QueueExecutor on a real redis-server with two real worker processes: the behaviour suite
// of the local executors, then what only a queue has (portable task names, windows).
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { AsyncExecutor, ThreadPoolExecutor, asCompleted, task, wait } from "../src/index.ts";
import { QueueExecutor, type QueueExecutorOptions } from "../src/queue-executor/index.ts";
import { defaultWindow } from "../src/queue-executor/executor-options.ts";
import { executorSuite } from "./executor-suite.ts";
import { add, identity, notATask, sleep, sleepAbortable, square, traceRun } from "./fixtures/tasks.ts";
import { unknownToWorkers } from "./fixtures/other-tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "suite";
let redis: RedisServer;
const workers: ChildProcess[] = [];

function executor(options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue: QUEUE, connection: redis.url, reconcileInterval: 300, ...options });
}

before(async () => {
  redis = await startRedis();
  process.env.FUTURES_TEST_REDIS = redis.url; // for the exit-handler fixture program
  workers.push(...(await Promise.all([startWorker(redis.url, QUEUE), startWorker(redis.url, QUEUE)])));
});

after(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await redis?.stop();
});

// window plays maxWorkers: at most that many jobs are in Redis, so at most that many run,
// and everything beyond it is still held here, pending and cancellable, as in a local pool.
executorSuite("QueueExecutor", ({ maxWorkers }) => executor({ window: maxWorkers }), {
  "rejects maxWorkers below 1 (RangeError) or not a number (TypeError)":
    "workers belong to `futures worker`; window stands in for maxWorkers and is checked under its own name",
});

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

/** Jobs of the queue in Redis by state, read with BullMQ's own API. */
async function jobCounts(name = QUEUE): Promise<{ unfinished: number; all: number }> {
  const queue = new Queue(name, { connection: { host: "127.0.0.1", port: redis.port } });
  try {
    const counts = await queue.getJobCounts(
      "wait",
      "active",
      "prioritized",
      "delayed",
      "completed",
      "failed",
    );
    const unfinished = counts.wait! + counts.active! + counts.prioritized! + counts.delayed!;
    return { unfinished, all: unfinished + counts.completed! + counts.failed! };
  } finally {
    await queue.close();
  }
}

describe("QueueExecutor specifics", () => {
  it("sizes its window to twice the live workers' concurrency, and 512 jobs beyond it at least", async () => {
    await using queue = executor();
    await queue.waitUntilReady();
    assert.equal(queue.window, 2 + 2 + 512);
    assert.deepEqual([0, 4, 512, 1000].map(defaultWindow), [0, 516, 1024, 2000]);
  });

  it("checks its options: a wrong type is a TypeError, a value out of range a RangeError", () => {
    const make = (options: Record<string, unknown>) => () =>
      new QueueExecutor({ queue: QUEUE, connection: redis.url, ...options } as QueueExecutorOptions);
    assert.throws(() => new (QueueExecutor as new () => unknown)(), TypeError);
    for (const options of [
      { window: "3" },
      { connectionTimeout: "5" },
      { reconcileInterval: null },
      { maxPayloadBytes: "10" },
      { maxEvents: "x" },
      { delivery: 1 },
      { prefix: 5 },
      { prefix: "" },
      { connection: 5 },
      { connection: null },
      { connection: "redis://127.0.0.1:0" },
      { queue: "a:b" },
    ])
      assert.throws(make(options), TypeError, JSON.stringify(options));
    for (const options of [
      { window: 0 },
      { window: 1.5 },
      { connectionTimeout: -5 },
      { connectionTimeout: 2 ** 31 },
      { reconcileInterval: Infinity },
      { maxPayloadBytes: 0 },
      { maxPayloadBytes: 1.5 },
      { maxEvents: -1 },
      { delivery: "exactly-once" },
    ])
      assert.throws(make(options), RangeError, JSON.stringify(options));
  });

  it("waits for ever with connectionTimeout Infinity, and names a database Redis lacks", async () => {
    await using patient = executor({ connectionTimeout: Infinity });
    assert.equal(await patient.submit(identity, 1).result({ timeout: 20_000 }), 1);
    const missing = new QueueExecutor({ queue: QUEUE, connection: `${redis.url}/99` });
    await assert.rejects(missing.waitUntilReady(), /has no database 99 \(ERR DB index is out of range\)/);
    assert.throws(() => missing.submit(identity, 1), /has no database 99/);
    await missing.shutdown();
    const stranger = new QueueExecutor({
      queue: QUEUE,
      connection: `redis://someone:secret@127.0.0.1:${redis.port}`,
    });
    await assert.rejects(stranger.waitUntilReady(), /refused us: WRONGPASS/);
    await stranger.shutdown();
  });

  it("mixes its futures with local executors' in wait and asCompleted", async () => {
    await using queue = executor();
    await using local = new AsyncExecutor({ maxWorkers: 2 });
    await using threads = new ThreadPoolExecutor({ maxWorkers: 1 });
    const futures = [
      queue.submit(sleep, 1500, "queue"),
      local.submit(sleep, 5, "async"),
      threads.submit(sleep, 60, "thread"),
    ];
    const order: unknown[] = [];
    for await (const future of asCompleted(futures)) order.push(await future.result());
    // Each once, whichever finished first: a thread's or a worker's start-up decides the order.
    assert.deepEqual(order.sort(), ["async", "queue", "thread"]);
    const { done } = await wait([queue.submit(add, 1, 2), local.submit(add, 3, 4)]);
    assert.equal(done.size, 2);
  });

  it("runs tasks in the worker processes, not here", async () => {
    await using queue = executor();
    const folder = mkdtempSync(path.join(os.tmpdir(), "futures-queue-"));
    const ran = await Promise.all(
      Array.from({ length: 8 }, (_, i) => queue.submit(traceRun, folder, `t${i}`, 30)),
    );
    const workerPids = new Set(workers.map((w) => w.pid));
    assert.ok(
      ran.every((pid) => workerPids.has(pid)),
      `ran in ${ran}`,
    );
    rmSync(folder, { recursive: true });
  });

  it("round-trips Date, Map, BigInt, typed arrays and errors by V8 serialization", async () => {
    await using queue = executor();
    const value = {
      when: new Date(1_700_000_000_000),
      map: new Map<string, unknown>([["big", 2n ** 70n]]),
      bytes: new Float64Array([1.5, -0]),
      error: new RangeError("kept"),
    };
    const back = (await queue.submit(identity, value)) as typeof value;
    assert.deepEqual(back.when, value.when);
    assert.deepEqual(back.map, value.map);
    assert.deepEqual(back.bytes, value.bytes);
    assert.ok(back.error instanceof RangeError);
    assert.equal(back.error.message, "kept");
  });

  it("fails a future whose arguments are above the size limit or cannot be serialized", async () => {
    await using queue = executor({ maxPayloadBytes: 1000 });
    const big = await queue.submit(identity, "x".repeat(5000)).exception();
    assert.ok(big instanceof RangeError);
    assert.match((big as Error).message, /above the queue's limit of 1000 bytes/);
    const unserializable = await queue.submit(identity, () => 1).exception();
    assert.ok(unserializable instanceof TypeError);
    assert.equal(await queue.submit(add, 1, 1), 2, "the executor goes on");
  });

  it("refuses a function that is not a task, and fails a task the workers do not know", async () => {
    await using queue = executor();
    // @ts-expect-error: the type refuses a plain function too; the check at run time is for JavaScript.
    assert.throws(() => queue.submit(notATask, 1), /runs functions by reference/);
    const error = await queue.submit(unknownToWorkers).exception();
    assert.ok(error instanceof TypeError, String(error));
    assert.match(
      (error as Error).message,
      /does not know the task concurrent-futures@0\.1\.0 test\/fixtures\/other-tasks#unknownToWorkers/,
    );
  });

  it("fails with a TypeError a task of another version of its package, without retry", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "futures-other-version-"));
    writeFileSync(
      path.join(folder, "package.json"),
      JSON.stringify({ name: "concurrent-futures", version: "9.9.9" }),
    );
    const newer = task(pathToFileURL(path.join(folder, "test", "fixtures", "tasks.ts")).href, "add", add);
    await using queue = executor();
    const error = await queue.submit(newer, 1, 2).exception();
    assert.ok(error instanceof TypeError, String(error));
    assert.match(
      (error as Error).message,
      /sent by concurrent-futures@9\.9\.9, but this worker has concurrent-futures@0\.1\.0/,
    );
    rmSync(folder, { recursive: true });
  });

  it("sends one job per chunk of map", async () => {
    const client = new Redis(redis.url);
    const [seconds] = await client.time();
    const worker = await startWorker(redis.url, "chunks");
    await using queue = executor({ queue: "chunks", window: 2 });
    const items = Array.from({ length: 1000 }, (_, i) => i);
    assert.deepEqual(
      await collect(queue.map(square, items, { chunksize: 250 })),
      items.map((i) => i * i),
    );
    // The queue's event stream has one "added" event per job.
    const events = await client.xrange("bull:chunks:events", `${Number(seconds) * 1000}-0`, "+");
    const added = events.filter(([, fields]) => fields[1] === "added");
    assert.equal(added.length, 4);
    client.disconnect();
    worker.kill("SIGKILL");
  });

  it("asks the worker to end a running task when its signal aborts", async () => {
    await using queue = executor();
    const controller = new AbortController();
    const future = queue.submitWith({ signal: controller.signal }, sleep, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(future.running(), true);
    controller.abort();
    const error = (await future.exception()) as Error;
    assert.equal(error.name, "AbortError", String(error));
    const held = new AbortController();
    held.abort();
    assert.equal(queue.submitWith({ signal: held.signal }, sleep, 10).cancelled(), true);
  });

  it("withdraws jobs no worker took, cancelling their futures: on abort and on terminateWorkers()", async () => {
    const queue = "no-worker";
    const client = new Redis(redis.url);
    const waiting = () => client.llen(`bull:${queue}:wait`);
    /** Until `count` jobs wait in Redis, for at most 5 s. */
    const waitingReaches = async (count: number) => {
      for (let i = 0; i < 250 && (await waiting()) !== count; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(await waiting(), count);
    };
    try {
      const pool = executor({ queue, window: 4 });
      const controller = new AbortController();
      const aborted = [1, 2, 3].map(() => pool.submitWith({ signal: controller.signal }, sleep, 10));
      const others = [pool.submit(sleep, 10), pool.submit(sleep, 10)]; // one in Redis, one held
      await waitingReaches(4);
      assert.ok(
        [...aborted, others[0]!].every((future) => future.running()),
        "in Redis: running",
      );
      controller.abort();
      const { notDone } = await wait(aborted, { timeout: 2000 });
      assert.equal(notDone.size, 0, "cancelled promptly with no worker to ask");
      assert.ok(aborted.every((future) => future.cancelled()));
      await waitingReaches(2); // their jobs are out of Redis, and the held call took a place
      assert.equal(await client.llen(`bull:${queue}:active`), 0);
      const started = performance.now();
      await pool.terminateWorkers();
      assert.ok(performance.now() - started < 2000, "terminateWorkers() did not wait for a worker");
      assert.ok(others.every((future) => future.cancelled()));
      assert.equal(await waiting(), 0);
      assert.deepEqual(await client.keys(`bull:${queue}:fx-*`), [], "no job left for a later worker");
    } finally {
      client.disconnect();
    }
  });

  it("an abort reaches an abortable() task running on a worker's AsyncExecutor", async () => {
    const worker = await startWorker(redis.url, "async-abort", "async");
    try {
      await using queue = executor({ queue: "async-abort" });
      const controller = new AbortController();
      const future = queue.submitWith({ signal: controller.signal }, sleepAbortable, 60_000);
      const plain = queue.submit(sleep, 400);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(future.running(), true);
      controller.abort();
      const error = (await future.exception()) as Error;
      assert.equal(error.name, "AbortError", String(error));
      assert.equal(await plain, 400, "a task without a signal runs on");
    } finally {
      worker.kill("SIGKILL");
    }
  });

  it("stops reading events while quiet, and reads again from before its next send", async () => {
    const quiet = executor({ reconcileInterval: 60_000 }); // outcomes by event only
    const busy = executor();
    const admin = new Redis(redis.url);
    // Executors whose event reader waits in a blocking XREAD.
    const reading = async () =>
      String(await admin.client("LIST"))
        .split("\n")
        .filter((line) => line.includes("cmd=xread") && / flags=\S*b/.test(line)).length;
    // The same count three looks in a row, 20 ms apart: a reader between two reads is not
    // blocked, so one look alone may miss it.
    const settled = async () => {
      let last = -1;
      for (let looks = 0, same = 0; same < 3 && looks < 100; looks++) {
        const now = await reading();
        same = now === last ? same + 1 : 1;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return last;
    };
    try {
      assert.equal(await quiet.submit(square, 3), 9);
      // A call in flight all along: the busy executor is never quiet, so it keeps one reader
      // blocked, and any count but 1 below means the quiet reader did not park.
      const held = busy.submit(sleep, 6_000);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // Events of another producer's jobs: the quiet reader parks instead of reading on.
      await Promise.all(Array.from({ length: 20 }, (_, i) => busy.submit(square, i)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await settled(), 1);
      const late = new Promise((_, reject) => {
        setTimeout(() => reject(new Error("no result by event within 5 s")), 5_000).unref();
      });
      assert.equal(await Promise.race([quiet.submit(square, 4), late]), 16);
      assert.equal(await held, 6_000);
    } finally {
      await Promise.all([quiet.shutdown(), busy.shutdown()]);
      await admin.quit();
    }
  });

  it("an endless map keeps at most the window in Redis, and read results are removed", async () => {
    const before = await jobCounts();
    const queue = executor({ window: 6 });
    // sleep(ms) gives back ms: item i sleeps i/10 ms, long enough to keep the window full,
    // short enough for 300 of them to take a second or two (not 45 s of sleep in all).
    function* tenths() {
      for (let i = 0; ; i++) yield i / 10;
    }
    let most = { unfinished: 0, all: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const counts = await jobCounts();
        most = {
          unfinished: Math.max(most.unfinished, counts.unfinished),
          all: Math.max(most.all, counts.all),
        };
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    let seen = 0;
    for await (const value of queue.map(sleep, tenths(), { buffersize: 1000 })) {
      assert.equal(value, seen++ / 10);
      if (seen === 300) break;
    }
    sampling = false;
    await sampler;
    await queue.shutdown();
    assert.ok(most.unfinished <= 6, `${most.unfinished} unfinished jobs in Redis at once`);
    // Read results go in batches, within 20 ms: the only finished jobs Redis holds meanwhile.
    assert.ok(most.all - before.all <= 6 + 256, `${most.all} jobs in Redis at once`);
    assert.deepEqual(await jobCounts(), before, "nothing of this map left in Redis");
  });

  it("removes every read result, even of jobs that finish before their add's reply", async () => {
    const before = await jobCounts();
    const queue = executor();
    // Quick tasks in bulk: workers finish some jobs before addBulk's reply reaches us.
    for (let round = 0; round < 3; round++) {
      let n = 0;
      for await (const value of queue.map(
        identity,
        Array.from({ length: 1000 }, (_, i) => i),
      )) {
        assert.equal(value, n++);
      }
    }
    await queue.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 200)); // removals go in batches
    assert.deepEqual(await jobCounts(), before, "read results left in Redis");
  });
});
