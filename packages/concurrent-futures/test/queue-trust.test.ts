// The queue against whoever can write to Redis, on a real redis-server and real worker
// processes: forged jobs refused by a worker with a key, crafted payloads that fail one job
// or one future and kill nothing, in both directions.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { serialize } from "node:v8";
import { after, afterEach, before, describe, it } from "node:test";
import { Job, Queue, Worker } from "bullmq";
import { taskRef } from "../src/task.ts";
import { QueueExecutor, UntrustedJobError, type QueueExecutorOptions } from "../src/queue-executor/index.ts";
import { readOutcome, type JobData } from "../src/queue-executor/payload.ts";
import { addressOf } from "../src/queue-executor/task-address.ts";
import { add, identity } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const KEY = "correct horse battery staple";
let redis: RedisServer;
const started: ChildProcess[] = [];
const closers: (() => Promise<unknown>)[] = [];

/** A sparse array of length 2^32-2: 14 bytes serialized, memory without end once spread. */
function bomb(): unknown[] {
  const array: unknown[] = [];
  array.length = 2 ** 32 - 2;
  return array;
}

function executor(queue: string, options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  const made = new QueueExecutor({ queue, connection: redis.url, reconcileInterval: 300, ...options });
  closers.push(() => made.shutdown());
  return made;
}

/** Put a job into Redis as an attacker would, and wait for the worker's answer. */
async function forge(queue: string, data: unknown): Promise<{ ok: boolean; value: unknown }> {
  const producer = new Queue(queue, { connection: { host: "127.0.0.1", port: redis.port } });
  closers.push(() => producer.close());
  const job = await producer.add("forged", data as JobData);
  // The job's state read from Redis, not its completion event: an event reader started just
  // before the add can miss an event that comes at once.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const finished = await Job.fromId(producer, job.id!);
    if (finished?.finishedOn !== undefined) {
      assert.equal(
        finished.failedReason,
        undefined,
        "the worker answers a forged job, BullMQ does not fail it",
      );
      return readOutcome(finished.returnvalue as string, 1 << 20);
    }
    if (Date.now() > deadline) throw new Error(`forged job ${job.id} not finished within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

before(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => {})));
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

after(() => redis.stop());

describe("a queue against hostile writers", { timeout: 120_000 }, () => {
  it("runs only jobs signed with the worker's key, and the worker lives through forgeries", async () => {
    const queue = "trust-key";
    started.push(await startWorker(redis.url, queue, "async", 2, KEY));
    const signed = executor(queue, { key: KEY });
    assert.equal(await signed.submit(add, 1, 2), 3);

    const address = addressOf(taskRef(add, "test"));
    const unsigned = await forge(queue, { t: address, a: "[40, 2]", c: 0 });
    assert.equal(unsigned.ok, false);
    assert.ok(unsigned.value instanceof UntrustedJobError, String(unsigned.value));
    const badSignature = await forge(queue, { t: address, a: "[40, 2]", c: 0, s: "AAAA" });
    assert.ok(badSignature.value instanceof UntrustedJobError);

    // A producer without the key, or with another one, is refused the same way.
    await assert.rejects(executor(queue).submit(add, 1, 1).result(), UntrustedJobError);
    await assert.rejects(
      executor(queue, { key: `${KEY}!` })
        .submit(add, 1, 1)
        .result(),
      UntrustedJobError,
    );
    assert.equal(started[0]!.exitCode, null, "the worker lives");
    assert.equal(await signed.submit(add, 20, 22), 42);
  });

  it("refuses a key shorter than 16 bytes on both sides", () => {
    assert.throws(() => new QueueExecutor({ queue: "q", connection: redis.url, key: "short" }), RangeError);
  });

  it("fails a job whose arguments are a crafted sparse array, alone, and the worker lives", async () => {
    const queue = "trust-bomb-args";
    started.push(await startWorker(redis.url, queue, "processes", 1));
    const t = addressOf(taskRef(identity, "test"));
    const payload = serialize(bomb()).toString("base64");
    for (const c of [0, 1]) {
      const answer = await forge(queue, { t, a: payload, c });
      assert.equal(answer.ok, false);
      assert.match(String(answer.value), /RangeError: .*array of length 4294967294/);
    }
    const wrongShape = await forge(queue, { t: "x", a: 1 });
    assert.match(String(wrongShape.value), /not a futures job/);
    assert.equal(started[0]!.exitCode, null, "the worker lives");
    assert.equal(await executor(queue).submit(add, 2, 3), 5);
  });

  it("fails one future when a hostile worker returns a crafted result, and the producer lives", async () => {
    const queue = "trust-bomb-result";
    const connection = { host: "127.0.0.1", port: redis.port };
    const hostile = new Worker(queue, async () => serialize([1, bomb()]).toString("base64"), { connection });
    closers.push(() => hostile.close());
    const producer = executor(queue, { window: 4 });
    await assert.rejects(producer.submit(identity, 1).result(), /array of length 4294967294/);
    const chunks = producer.map(identity, [1, 2, 3, 4], { chunksize: 2 });
    await assert.rejects(chunks.next(), /array of length 4294967294/);
  });
});
