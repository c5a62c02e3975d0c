import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokenThreadPool, ShutdownError, ThreadPoolExecutor } from "../src/index.ts";
import { executorSuite } from "./executor-suite.ts";
import { poolSpecifics } from "./pool-specifics.ts";
import {
  allocateForever,
  byteLength,
  exitProcess,
  leaveTimer,
  noop,
  recall,
  remember,
  throwInInit,
  timerFired,
  whereAmI,
} from "./fixtures/tasks.ts";

executorSuite("ThreadPoolExecutor", (options) => new ThreadPoolExecutor(options));
poolSpecifics("ThreadPoolExecutor", (options) => new ThreadPoolExecutor(options), BrokenThreadPool);

describe("ThreadPoolExecutor specifics", () => {
  it("runs tasks in other threads of this process", async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const where = await pool.submit(whereAmI);
    assert.equal(where.pid, process.pid);
    assert.notEqual(where.threadId, 0);
  });

  it("defaults to min(32, cpus + 4) workers", async () => {
    await using pool = new ThreadPoolExecutor();
    const { availableParallelism } = await import("node:os");
    assert.equal(pool.maxWorkers, Math.min(32, availableParallelism() + 4));
  });

  it("runs the initializer in every thread before its tasks", async () => {
    await using pool = new ThreadPoolExecutor({
      maxWorkers: 2,
      initializer: remember,
      initargs: ["ready", 1],
    });
    const results = await Promise.all([pool.submit(recall), pool.submit(recall)]);
    assert.deepEqual(results, [
      ["ready", 1],
      ["ready", 1],
    ]);
  });

  it("transfers a buffer instead of copying it when asked", async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const bytes = new Uint8Array(1024);
    const future = pool.submitWith({ transfer: [bytes.buffer] }, byteLength, bytes);
    assert.equal(bytes.byteLength, 0, "the buffer now belongs to the worker");
    assert.equal(await future, 1024);
  });

  it("runs a timer a task left behind once its thread is idle", async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    await pool.submit(leaveTimer, "idle", 5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(await pool.submit(timerFired, "idle"), true);
  });

  it("runs a timer a task left behind while calls keep coming one after another", async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    await pool.submit(leaveTimer, "busy", 1);
    const end = performance.now() + 60;
    while (performance.now() < end) await pool.submit(noop);
    assert.equal(await pool.submit(timerFired, "busy"), true);
  });

  it("breaks when a thread runs out of memory", { timeout: 60_000 }, async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const future = pool.submit(allocateForever);
    const error = await future.exception();
    assert.ok(error instanceof BrokenThreadPool, String(error));
    assert.match((error as Error).message, /out of memory|ERR_WORKER_OUT_OF_MEMORY/i);
    assert.throws(() => pool.submit(whereAmI), BrokenThreadPool);
    await pool.shutdown();
  });

  it("breaks when a task calls process.exit in its thread", async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const error = await pool.submit(exitProcess, 3).exception();
    assert.ok(error instanceof BrokenThreadPool);
    assert.match((error as Error).message, /exit code 3/);
    await pool.shutdown();
  });

  it("breaks when the initializer throws", async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 2, initializer: throwInInit });
    const error = await pool.submit(whereAmI).exception();
    assert.ok(error instanceof BrokenThreadPool);
    assert.match((error as Error).message, /initializer failed/);
    assert.equal(((error as Error).cause as Error).message, "initializer failed on purpose");
    assert.throws(() => pool.submit(whereAmI), BrokenThreadPool);
    await pool.shutdown();
    assert.throws(
      () => pool.submit(whereAmI),
      (e) => e instanceof BrokenThreadPool || e instanceof ShutdownError,
    );
  });
});
