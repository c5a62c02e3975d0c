import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { AsyncExecutor, BrokenExecutor, ShutdownError, abortable } from "../src/index.ts";
import { executorSuite } from "./executor-suite.ts";

executorSuite("AsyncExecutor", (options) => new AsyncExecutor(options));

describe("AsyncExecutor specifics", () => {
  it("runs plain functions, sync and async, without task references", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 2 });
    assert.equal(await executor.submit((a: number) => a * 2, 21), 42);
    assert.equal(await executor.submit(async (s: string) => s.toUpperCase(), "br"), "BR");
  });

  it("starts work in submission order", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 2 });
    const started: number[] = [];
    const job = async (i: number) => {
      started.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5 * (i % 3)));
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => executor.submit(job, i).result()));
    assert.deepEqual(
      started,
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  it("never runs more than maxWorkers functions at once", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 3 });
    let now = 0;
    let most = 0;
    const job = async () => {
      most = Math.max(most, ++now);
      await new Promise((resolve) => setTimeout(resolve, 2));
      now--;
    };
    await Promise.all(Array.from({ length: 50 }, () => executor.submit(job).result()));
    assert.equal(most, 3);
  });

  it("returns a running future before any of the function runs", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    let ran = false;
    const future = executor.submit(() => (ran = true));
    assert.equal(future.running(), true);
    assert.equal(ran, false);
    await future;
    assert.equal(ran, true);
  });

  it("runs a long queue of quick calls in order, letting other microtasks take turns", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    const ran: number[] = [];
    const futures = Array.from({ length: 3000 }, (_, i) => executor.submit(() => ran.push(i)));
    // Queued after the executor's first round: it runs before the queue has drained.
    const seen = await new Promise<number>((resolve) => queueMicrotask(() => resolve(ran.length)));
    assert.ok(seen > 0 && seen < 3000, `ran ${seen} calls before another microtask`);
    await Promise.all(futures);
    assert.deepEqual(
      ran,
      Array.from({ length: 3000 }, (_, i) => i),
    );
  });

  it("hands an AbortSignal to running work on shutdown with cancelFutures", async () => {
    const executor = new AsyncExecutor({ maxWorkers: 1 });
    const job = abortable(
      (ms: number, signal: AbortSignal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms, "finished");
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        }),
    );
    const running = executor.submit(job, 10_000);
    const queued = executor.submit(job, 10);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await executor.shutdown({ cancelFutures: true });
    assert.ok((await running.exception()) instanceof ShutdownError);
    assert.equal(queued.cancelled(), true);
  });

  it("passes a signal only to functions marked abortable", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    const count = (...args: unknown[]) => args.length;
    assert.equal(await executor.submit(count, 1, 2), 2);
    const last = abortable((a: number, signal: AbortSignal) => [a, signal instanceof AbortSignal]);
    assert.deepEqual(await executor.submit(last, 1), [1, true]);
    assert.deepEqual(last(2), [2, true]);
  });

  it("aborts one task through submitWith's signal", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    const controller = new AbortController();
    const job = abortable(
      (signal: AbortSignal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    );
    const running = executor.submitWith({ signal: controller.signal }, job);
    const queued = executor.submitWith({ signal: controller.signal }, job);
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error("stop it"));
    assert.equal(((await running.exception()) as Error).message, "stop it");
    assert.equal(queued.cancelled(), true);
  });

  it("leaves no listener on a long-lived signal after tasks finish", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 4 });
    const controller = new AbortController();
    const futures = Array.from({ length: 50 }, () =>
      executor.submitWith({ signal: controller.signal }, () => 1),
    );
    assert.equal(getEventListeners(controller.signal, "abort").length, 1, "one listener for all");
    await Promise.all(futures);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  it("does not start a task whose signal aborted before it began", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    let started = false;
    const future = executor.submitWith(
      { signal: AbortSignal.abort(new Error("too late")) },
      () => (started = true),
    );
    assert.equal(future.cancelled(), true);
    const controller = new AbortController();
    const next = executor.submitWith({ signal: controller.signal }, () => (started = true));
    controller.abort(new Error("before the start"));
    assert.equal(((await next.exception()) as Error).message, "before the start");
    assert.equal(started, false);
  });

  it("terminateWorkers() aborts the signal of running abortable functions", async () => {
    const executor = new AsyncExecutor({ maxWorkers: 2 });
    let reason: unknown;
    const job = abortable(
      (signal: AbortSignal) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(new Error("stopped"));
          }),
        ),
    );
    const running = executor.submit(job);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await executor.terminateWorkers();
    assert.ok(reason instanceof BrokenExecutor, String(reason));
    const error = await running.exception();
    assert.ok(error instanceof BrokenExecutor, "the future failed at terminate, not with the late rejection");
    assert.equal(executor.toString(), "AsyncExecutor<maxWorkers=2 running=0 queued=0>");
  });
});
