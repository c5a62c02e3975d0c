// QueueExecutor's retries on a real redis-server and real worker processes: a call tried again
// only for the failures it names, each attempt a new job and counted on its future, a lost
// worker's job retried when WorkerLostError is named, and every way of giving up on a call
// (cancel, abort, shutdown, terminateWorkers) ending its backoff.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { CancelledError } from "../src/index.ts";
import { QueueExecutor, WorkerLostError, type QueueExecutorOptions } from "../src/queue-executor/index.ts";
import { RetryPolicy } from "../src/queue-executor/retry-policy.ts";
import { fail, failUntil, identity, traceFirstRunHeld } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "retries";
let redis: RedisServer;
let folder: string;
const started: ChildProcess[] = [];

function executor(options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue: QUEUE, connection: redis.url, reconcileInterval: 300, ...options });
}

/** Runs counted by failUntil in `file`. */
function runs(file: string): number {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").length - 1 : 0;
}

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const flaky = { backoff: 10, retryOn: ["FlakyError"] } as const;

before(async () => {
  redis = await startRedis();
  started.push(await startWorker(redis.url, QUEUE));
});

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "futures-retries-"));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis?.stop();
});

describe("QueueExecutor retries", () => {
  it("a call that fails twice settles with its result on the 3rd attempt, each attempt counted", async () => {
    await using queue = executor();
    const file = path.join(folder, "runs");
    const future = queue.submitWith({ retries: 2, ...flaky }, failUntil, file, 3);
    assert.equal(future.attempts, 0, "held: no attempt yet");
    assert.equal(await future.result({ timeout: 20_000 }), 3);
    assert.equal(future.attempts, 3);
    assert.equal(runs(file), 3);
  });

  it("without retries a failure is final: one attempt, one run (at most once)", async () => {
    await using queue = executor();
    const file = path.join(folder, "runs");
    const future = queue.submit(failUntil, file, 3);
    const error = (await future.exception({ timeout: 20_000 })) as Error;
    assert.equal(error.name, "FlakyError");
    assert.equal(future.attempts, 1);
    assert.equal(runs(file), 1);
  });

  it("retries only what retryOn names (by name, by code, by predicate); the last error is the outcome", async () => {
    await using queue = executor();
    const cases = [
      { retryOn: ["OtherError"], runs: 1, ok: false },
      { retryOn: ["E_FLAKY"], runs: 3, ok: true },
      { retryOn: (error: unknown) => (error as Error).message.includes("run 1"), runs: 2, ok: false },
      { retryOn: () => true, retries: 1, runs: 2, ok: false },
    ];
    const futures = cases.map((c, i) =>
      queue.submitWith(
        { retries: c.retries ?? 5, backoff: 10, retryOn: c.retryOn },
        failUntil,
        path.join(folder, `f${i}`),
        3,
      ),
    );
    for (const [i, c] of cases.entries()) {
      const future = futures[i]!;
      const error = (await future.exception({ timeout: 20_000 })) as Error | undefined;
      assert.equal(error === undefined, c.ok, `case ${i}: ${String(error)}`);
      if (error)
        assert.match(error.message, new RegExp(`run ${c.runs}$`), `case ${i}: the last attempt's error`);
      assert.equal(future.attempts, c.runs, `case ${i}`);
      assert.equal(runs(path.join(folder, `f${i}`)), c.runs, `case ${i}`);
    }
  });

  it("takes executor-wide defaults, which a call's own options override", async () => {
    await using queue = executor({ retries: 2, ...flaky });
    const file = (name: string) => path.join(folder, name);
    assert.equal(await queue.submit(failUntil, file("a"), 3).result({ timeout: 20_000 }), 3);
    const once = queue.submitWith({ retries: 0 }, failUntil, file("b"), 3);
    assert.equal(((await once.exception({ timeout: 20_000 })) as Error).name, "FlakyError");
    assert.equal(runs(file("b")), 1);
    const more = queue.submitWith({ retries: 4 }, failUntil, file("c"), 5);
    assert.equal(
      await more.result({ timeout: 20_000 }),
      5,
      "retries from the call, retryOn from the executor",
    );
    // map() chunks follow the executor's defaults too.
    const results = [];
    for await (const value of queue.map(identity, [1, 2, 3], { chunksize: 2 })) results.push(value);
    assert.deepEqual(results, [1, 2, 3]);
  });

  it("checks its options: TypeError for a wrong type, RangeError out of range", async () => {
    await using queue = executor();
    const submit = (options: Record<string, unknown>) => () => queue.submitWith(options, identity, 1);
    for (const options of [
      { retries: "2", retryOn: ["X"] },
      { retries: 1 }, // nothing is retried unless named
      { retries: 1, retryOn: "FlakyError" },
      { retries: 1, retryOn: [1] },
      { retries: 1, retryOn: ["X"], backoff: "1s" },
      { retries: 1, retryOn: ["X"], backoff: { delay: "1" } },
      { retries: 1, retryOn: ["X"], backoff: [] },
      { retries: 1, retryOn: [] }, // names nothing: never retried, surely not what was meant
      { priority: "1" },
    ])
      assert.throws(submit(options), TypeError, JSON.stringify(options));
    for (const options of [
      { retries: -1, retryOn: ["X"] },
      { retries: 1.5, retryOn: ["X"] },
      { retries: 1, retryOn: ["X"], backoff: -1 },
      { retries: 1, retryOn: ["X"], backoff: { max: Infinity } },
      { retries: 1, retryOn: ["X"], backoff: { delay: 5000, max: 1000 } },
      { priority: 0 },
      { priority: 1.5 },
      { priority: 2 ** 21 },
    ])
      assert.throws(submit(options), RangeError, JSON.stringify(options));
    assert.throws(() => executor({ retries: 2 }), TypeError);
    assert.throws(() => executor({ priority: -3 }), RangeError);
  });

  it("backs off exponentially with jitter, capped", () => {
    const policy = RetryPolicy.of({ retries: 10, retryOn: ["X"], backoff: { delay: 100, max: 1000 } })!;
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => [policy.backoff(n, () => 0), policy.backoff(n, () => 1)]),
      [
        [50, 100],
        [100, 200],
        [200, 400],
        [400, 800],
        [500, 1000],
      ],
    );
    assert.equal(RetryPolicy.of({ retries: 0, retryOn: ["X"] }), undefined, "no retries: no policy");
  });

  it(
    "a lost worker's job is retried as a new job only when WorkerLostError is named",
    { timeout: 90_000 },
    async () => {
      const queueName = "retries-lost";
      const victim = await startWorker(redis.url, queueName, "processes", 2);
      started.push(victim);
      await using queue = executor({ queue: queueName });
      const retried = queue.submitWith(
        { retries: 1, backoff: 10, retryOn: ["WorkerLostError"] },
        traceFirstRunHeld,
        folder,
        "named",
      );
      const final = queue.submitWith({ retries: 1, ...flaky }, traceFirstRunHeld, folder, "unnamed");
      await until(() => readdirSync(folder).length === 2, "both calls run on the victim");
      const survivor = await startWorker(redis.url, queueName, "processes", 2);
      started.push(survivor);
      process.kill(victim.pid!, "SIGKILL");
      assert.equal(await retried.result({ timeout: 40_000 }), survivor.pid, "its retry ran on the survivor");
      assert.equal(retried.attempts, 2);
      assert.deepEqual(readFileSync(path.join(folder, "named"), "utf8").trim().split("\n").map(Number), [
        victim.pid,
        survivor.pid,
      ]);
      const error = await final.exception({ timeout: 40_000 });
      assert.ok(error instanceof WorkerLostError, String(error));
      assert.equal(final.attempts, 1);
      assert.deepEqual(readFileSync(path.join(folder, "unnamed"), "utf8").trim().split("\n").map(Number), [
        victim.pid,
      ]);
    },
  );
});

describe("QueueExecutor retries given up on during their backoff", () => {
  /** A call in a long backoff after its first failure: pending again, one run so far. */
  async function inBackoff(queue: QueueExecutor, name: string, options: { signal?: AbortSignal } = {}) {
    const file = path.join(folder, name);
    const future = queue.submitWith(
      { retries: 3, backoff: 600_000, retryOn: ["FlakyError"], ...options },
      failUntil,
      file,
      2,
    );
    await until(() => future.attempts === 1 && future.state === "pending", "the first attempt fails");
    return { future, file };
  }

  it("cancel() succeeds and no attempt follows", async () => {
    const queue = executor();
    const { future, file } = await inBackoff(queue, "cancel");
    assert.equal(future.cancel(), true);
    assert.equal(future.cancelled(), true);
    await queue.shutdown(); // would send any retry left at once
    assert.equal(runs(file), 1);
    assert.equal(future.attempts, 1);
  });

  it("an aborted signal cancels it", async () => {
    const queue = executor();
    const controller = new AbortController();
    const { future, file } = await inBackoff(queue, "abort", { signal: controller.signal });
    controller.abort();
    assert.equal(future.cancelled(), true);
    await queue.shutdown();
    assert.equal(runs(file), 1);
  });

  it("shutdown({ cancelFutures: true }) and terminateWorkers() cancel it", async () => {
    const stops = [
      (queue: QueueExecutor) => queue.shutdown({ cancelFutures: true }),
      (queue: QueueExecutor) => queue.terminateWorkers(),
    ];
    for (const stop of stops) {
      const queue = executor();
      const { future, file } = await inBackoff(queue, `stop-${stops.indexOf(stop)}`);
      await stop(queue);
      assert.equal(future.cancelled(), true);
      await assert.rejects(future.result(), CancelledError);
      assert.equal(runs(file), 1);
    }
  });

  it("shutdown() does not wait out the backoff: it sends the retry at once and waits for it", async () => {
    const queue = executor();
    const { future, file } = await inBackoff(queue, "shutdown");
    // The backoff is 10 minutes at least; shutdown must be done well within this bound.
    await Promise.race([
      queue.shutdown(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("shutdown waited for the backoff")), 30_000).unref(),
      ),
    ]);
    assert.equal(await future.result({ timeout: 0 }), 2);
    assert.equal(future.attempts, 2);
    assert.equal(runs(file), 2);
  });

  it("a call that fails after shutdown() is retried at once, and shutdown waits for it", async () => {
    const queue = executor();
    const future = queue.submitWith({ retries: 1, backoff: 600_000, retryOn: ["E_TASK"] }, fail, "late", 300);
    await until(() => future.running(), "its first job is in Redis");
    await Promise.race([
      queue.shutdown(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("shutdown waited for the backoff")), 30_000).unref(),
      ),
    ]);
    assert.equal(future.done(), true);
    assert.equal(((await future.exception()) as Error).message, "late");
    assert.equal(future.attempts, 2, "tried again after shutdown(), without a backoff");
  });

  it("a call that fails after shutdown({ cancelFutures: true }) is not tried again", async () => {
    const queue = executor();
    const future = queue.submitWith({ retries: 3, backoff: 600_000, retryOn: ["E_TASK"] }, fail, "late", 300);
    await until(() => future.running(), "its first job is in Redis");
    await queue.shutdown({ cancelFutures: true });
    assert.equal(((await future.exception()) as Error).message, "late");
    assert.equal(future.attempts, 1, "no attempt after the cancel");
  });

  it("a retry after shutdown() whose only worker died waits for the next worker, then settles", async () => {
    const queueName = "retries-after-shutdown";
    const victim = await startWorker(redis.url, queueName, "async", 1, undefined, true);
    started.push(victim);
    const queue = executor({ queue: queueName });
    const future = queue.submitWith(
      { retries: 1, backoff: 10, retryOn: ["WorkerLostError"] },
      traceFirstRunHeld,
      folder,
      "after-shutdown",
    );
    await until(() => existsSync(path.join(folder, "after-shutdown")), "its first run started");
    const closing = queue.shutdown();
    victim.kill("SIGKILL");
    // Held again, with no live worker: nothing may go to Redis, and the executor stays up.
    await until(() => String(queue).includes("held=1"), "the retry is held", 40_000);
    const survivor = await startWorker(redis.url, queueName, "async", 1, undefined, true);
    started.push(survivor);
    assert.equal(await future.result({ timeout: 40_000 }), survivor.pid);
    assert.equal(future.attempts, 2);
    await closing;
  });
});
