// QueueExecutor#attach on a real redis-server with real producer and worker processes: a
// producer killed after sending its calls, and a new executor that attaches to them by id and
// gets every result once; a call retried as a new job found by its first id; a result kept
// only for resultRetention; and ids or jobs that are not what they claim, refused.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { ShutdownError } from "../src/index.ts";
import {
  BrokenQueueExecutor,
  CallNotFoundError,
  QueueExecutor,
  UntrustedJobError,
  type QueueExecutorOptions,
} from "../src/queue-executor/index.ts";
import { failFirstThenWait, markThenWait, square } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "attach";
const producerProgram = fileURLToPath(new URL("./fixtures/attach-producer.ts", import.meta.url));
let redis: RedisServer;
let client: Redis;
let folder: string;
const children: ChildProcess[] = [];

function executor(options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue: QUEUE, connection: redis.url, reconcileInterval: 300, ...options });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Run the producer program in `mode` (see fixtures/attach-producer.ts); resolves with its call ids. */
async function produce(mode: string): Promise<{ producer: ChildProcess; ids: string[] }> {
  const producer = spawn(
    process.execPath,
    [...process.execArgv, producerProgram, redis.url, QUEUE, folder, mode],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  children.push(producer);
  const file = path.join(folder, "ids.json");
  await until(
    () => existsSync(file) && readFileSync(file, "utf8").endsWith("]"),
    "the producer wrote its ids",
  );
  return { producer, ids: JSON.parse(readFileSync(file, "utf8")) as string[] };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "futures-attach-"));
});

afterEach(async () => {
  await Promise.all(children.splice(0).map(killed));
  rmSync(folder, { recursive: true, force: true });
});

after(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe("QueueExecutor#attach", () => {
  it("gets every result of a killed producer's 1,000 calls once, in another executor", async () => {
    const { producer, ids } = await produce("many:1000");
    await until(
      async () => (await client.llen(`bull:${QUEUE}:wait`)) === 1000,
      "all 1,000 jobs are in Redis",
    );
    await killed(producer);
    children.push(await startWorker(redis.url, QUEUE, "async", 8));

    await using queue = executor();
    const futures = queue.attach(ids);
    assert.deepEqual(
      futures.map((future) => future.id),
      ids,
    );
    assert.ok(
      futures.every((future) => future.running()),
      "an attached call is running: in Redis",
    );
    assert.deepEqual(
      await Promise.all(futures),
      ids.map((_, i) => i + 1000),
    );
    // Read, so removed: a second attach finds none of them.
    await until(
      async () => (await client.zcard(`bull:${QUEUE}:completed`)) === 0,
      "the read results are removed",
    );
    await using other = executor();
    const again = await Promise.all(other.attach(ids.slice(0, 50)).map((future) => future.exception()));
    for (const error of again) {
      assert.ok(error instanceof CallNotFoundError, String(error));
      assert.match(error.message, /no call fx-[0-9a-f]+-\d+ in Redis: its result was read already/);
    }
  });

  it("finds a retried call by its first id, as the new job its producer sent", async () => {
    children.push(await startWorker(redis.url, QUEUE, "async", 2));
    const { producer, ids } = await produce("retry");
    await until(
      () =>
        existsSync(path.join(folder, "runs")) && readFileSync(path.join(folder, "runs"), "utf8").length === 8,
      "the second attempt runs",
    );
    await killed(producer);
    await using queue = executor();
    const [future] = queue.attach(ids);
    assert.equal(future!.id, ids[0]);
    writeFileSync(path.join(folder, "release"), "");
    assert.equal(await future, 2, "the second attempt's result");
    assert.equal(future!.attempts, 2, "its job's id says it is the second attempt");
  });

  it("gives a call this executor follows its own future, and one future for an id given twice", async () => {
    children.push(await startWorker(redis.url, QUEUE, "async", 2));
    await using queue = executor();
    const release = path.join(folder, "release");
    const mine = queue.submit(markThenWait, path.join(folder, "mark"), release);
    await until(() => existsSync(path.join(folder, "mark")), "the call runs");
    const [same, twice, again] = queue.attach([mine.id, mine.id, mine.id]);
    assert.equal(same, mine);
    assert.equal(twice, mine);
    assert.equal(again, mine);
    writeFileSync(release, "");
    await mine;
  });

  it("keeps an unread result for resultRetention: BullMQ's age limit on the job", async () => {
    children.push(await startWorker(redis.url, QUEUE, "async", 2));
    await using queue = executor({ resultRetention: 60_000 });
    const future = queue.submit(square, 7);
    await future;
    const opts = JSON.parse((await client.hget(`bull:${QUEUE}:${future.id}`, "opts")) ?? "{}") as {
      removeOnComplete?: { age?: number };
    };
    assert.equal(opts.removeOnComplete?.age, 60);
    assert.throws(() => executor({ resultRetention: 0 }), RangeError);
    assert.throws(() => executor({ resultRetention: "1d" as unknown as number }), TypeError);
  });

  it("refuses ids that are not call ids, and jobs that are forged, too large or unsigned", async () => {
    await using queue = executor({ maxPayloadBytes: 1024 });
    await queue.waitUntilReady();
    assert.throws(
      () => queue.attach(["../../etc/passwd"]),
      /not the id of a QueueExecutor call: string '\.\.\/\.\.\/etc\/passwd'/,
    );
    assert.throws(() => queue.attach("fx-000000000000-1" as unknown as string[]), /an iterable of call ids/);
    assert.throws(() => queue.attach([42 as unknown as string]), TypeError);
    assert.deepEqual(queue.attach([]), []);

    const id = (n: number) => `fx-0123456789ab-${n}`;
    const job = (n: number) => `bull:${QUEUE}:${id(n)}`;
    await client.hset(job(1), "data", "not json");
    await client.hset(job(2), "data", JSON.stringify({ t: { p: "x" }, a: "[]", c: 0 }));
    await client.hset(job(3), "data", "x".repeat(20_000));
    await client.hset(
      job(4),
      "data",
      JSON.stringify({ t: { p: "x", v: "1.0.0", m: "t", e: "f" }, a: "[]", c: 1 }),
    );
    // A record that sends the call to a job not of its own is not followed, nor one longer
    // than any job id (read as no record, never whole).
    await client.set(`bull:${QUEUE}:${id(5)}:now`, "bull-other-job");
    await client.set(`bull:${QUEUE}:${id(7)}:now`, `${id(7)}-try2${"x".repeat(1 << 20)}`);
    await client.set(`bull:${QUEUE}:${id(6)}`, "a string where a job hash should be");
    const errors = await Promise.all(
      queue.attach([1, 2, 3, 4, 5, 6, 7].map(id)).map((future) => future.exception()),
    );
    assert.match(String(errors[0]), /TypeError: the job of call fx-0123456789ab-1 is not JSON: refused/);
    assert.match(String(errors[1]), /TypeError: the job's data is not a futures job: refused/);
    assert.match(
      String(errors[2]),
      /RangeError: the job of call fx-0123456789ab-3 is 20000 characters, above the executor's maxPayloadBytes/,
    );
    assert.match(
      String(errors[3]),
      /TypeError: fx-0123456789ab-4 is a chunk of a map\(\), which cannot be attached/,
    );
    for (const error of errors.slice(4)) assert.ok(error instanceof CallNotFoundError, String(error));

    await using signed = executor({ key: "a shared secret of 16+ bytes" });
    await client.hset(
      job(8),
      "data",
      JSON.stringify({ t: { p: "x", v: "1.0.0", m: "t", e: "f" }, a: "[]", c: 0 }),
    );
    const [unsigned] = signed.attach([id(8)]);
    assert.ok((await unsigned!.exception()) instanceof UntrustedJobError);
    // Without a key it is followed, and this hash, which BullMQ never wrote, is not a job.
    const [followed] = queue.attach([id(8)]);
    assert.ok((await followed!.exception()) instanceof BrokenQueueExecutor);
  });

  it("follows a call between two attempts: the same future here, 'between attempts' elsewhere", async () => {
    children.push(await startWorker(redis.url, QUEUE, "async", 2));
    await using queue = executor();
    const future = queue.submitWith(
      { retries: 1, backoff: 60_000, retryOn: ["FlakyError"] },
      failFirstThenWait,
      folder,
    );
    await until(
      () => future.attempts === 1 && !future.running(),
      "the first attempt failed: a backoff of a minute",
    );
    assert.equal(queue.attach([future.id])[0], future);
    await using other = executor();
    const error = await other.attach([future.id])[0]!.exception();
    assert.ok(error instanceof CallNotFoundError, String(error));
    assert.match(
      error.message,
      new RegExp(`call ${future.id} is between attempts: its job ${future.id}-try2 is not in Redis`),
    );
    future.cancel();
  });

  it("fails the futures it is still reading when terminateWorkers() ends the executor", async () => {
    children.push(await startWorker(redis.url, QUEUE, "async", 2));
    await using producer = executor();
    const release = path.join(folder, "release");
    const running = producer.submit(markThenWait, path.join(folder, "mark"), release);
    await until(() => existsSync(path.join(folder, "mark")), "the call runs");
    const queue = executor();
    await queue.waitUntilReady();
    const [attached] = queue.attach([running.id]);
    await queue.terminateWorkers();
    assert.ok((await attached!.exception()) instanceof BrokenQueueExecutor);
    writeFileSync(release, "");
    await running;
  });

  it("refuses to attach once shut down", async () => {
    const queue = executor();
    await queue.shutdown();
    assert.throws(() => queue.attach(["fx-0123456789ab-1"]), ShutdownError);
  });
});
