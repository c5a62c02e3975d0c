// The behaviour suite of CPython's test_concurrent_futures, written for this API and run
// against every executor: each executor's test file calls executorSuite().
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it as test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ALL_COMPLETED,
  BrokenExecutor,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  ShutdownError,
  TimeoutError,
  asCompleted,
  wait,
  type CompletedFuture,
  type Executor,
} from "../src/index.ts";
import { collectGarbage } from "./fixtures/gc.ts";
import {
  add,
  fail,
  identity,
  makeObject,
  markThenWait,
  sleep,
  square,
  squareUnlessNegative,
  touch,
  whereAmI,
} from "./fixtures/tasks.ts";

const submitOnExit = fileURLToPath(new URL("./fixtures/submit-on-exit.ts", import.meta.url));

export type MakeExecutor = (options: { maxWorkers: number }) => Executor;

/**
 * Run `body` with a fresh executor whose workers have all started, as CPython's tests
 * prime theirs: timing assertions then measure the work, not worker start-up.
 */
async function using<T>(executor: Executor, body: (executor: Executor) => Promise<T>): Promise<T> {
  try {
    const workers = (executor as { maxWorkers?: number }).maxWorkers ?? 1;
    await wait(Array.from({ length: workers }, () => executor.submit(sleep, 20)));
    return await body(executor);
  } finally {
    for (const release of unreleased) release();
    await executor.shutdown({ cancelFutures: true });
  }
}

/** Held calls the test has not let end yet: `using` lets them end before it shuts down. */
const unreleased = new Set<() => void>();

/**
 * A call that runs until the test lets it end with release(): the slow one of a case whose
 * order the test decides, instead of a long sleep racing short ones against the clock.
 */
function held(executor: Executor): { future: Future<void>; release: () => void } {
  const folder = mkdtempSync(path.join(os.tmpdir(), "futures-held-"));
  const future = executor.submit(markThenWait, path.join(folder, "started"), path.join(folder, "release"));
  future.addDoneCallback(() => rmSync(folder, { recursive: true, force: true }));
  const release = () => {
    unreleased.delete(release);
    writeFileSync(path.join(folder, "release"), "");
  };
  unreleased.add(release);
  return { future, release };
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

/** Take the next result of `results`, check it, and keep only a WeakRef to it. */
async function takeWeakly(results: AsyncIterator<{ i: number }>, expected: number): Promise<WeakRef<object>> {
  const { value } = await results.next();
  assert.equal(value.i, expected);
  return new WeakRef(value);
}

/** Cases that cannot hold on an executor, by title, each with the reason. */
export type CannotHold = Readonly<Record<string, string>>;

export function executorSuite(name: string, make: MakeExecutor, cannotHold: CannotHold = {}): void {
  // Every case is declared through this, so that an executor can say why one does not apply.
  const it = ((title: string, ...rest: unknown[]) => {
    const reason = cannotHold[title];
    if (reason !== undefined) return test(title, { skip: `cannot hold on ${name}: ${reason}` });
    return (test as (...args: unknown[]) => unknown)(title, ...rest);
  }) as typeof test;
  describe(`${name}: submit`, () => {
    it("runs a task and gives its result", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const future = executor.submit(add, 2, 3);
        assert.ok(future instanceof Future);
        assert.equal(await future.result(), 5);
        assert.equal(await future, 5);
        assert.equal(future.done(), true);
      }));

    it("carries a task's error with its name, message and code", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const future = executor.submit(fail, "it broke");
        const error = (await future.exception()) as Error & { code?: string };
        assert.ok(error instanceof TypeError);
        assert.equal(error.name, "TypeError");
        assert.equal(error.message, "it broke");
        assert.equal(error.code, "E_TASK");
        assert.match(String(error.stack), /it broke/);
        await assert.rejects(future.result(), TypeError);
      }));

    it("clones arguments and results", () =>
      using(make({ maxWorkers: 1 }), async (executor) => {
        const value = { nested: [1, "two", { three: 3n }], when: new Date(0), bytes: new Uint8Array([1, 2]) };
        assert.deepEqual(await executor.submit(identity, value), value);
      }));

    it("runs at most maxWorkers tasks at once", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const futures = Array.from({ length: 5 }, () => executor.submit(sleep, 80));
        const running = () => futures.filter((f) => f.running()).length;
        let most = 0;
        const timer = setInterval(() => (most = Math.max(most, running())), 5);
        await wait(futures);
        clearInterval(timer);
        assert.ok(most <= 2, `${most} ran at once`);
      }));

    it("times out result() while the task goes on", () =>
      using(make({ maxWorkers: 1 }), async (executor) => {
        const future = executor.submit(sleep, 200, "late");
        await assert.rejects(future.result({ timeout: 10 }), TimeoutError);
        assert.equal(await future.result(), "late");
      }));

    it("cancels a pending future but not a running one", () =>
      using(make({ maxWorkers: 1 }), async (executor) => {
        const first = executor.submit(sleep, 150);
        const second = executor.submit(sleep, 10);
        assert.equal(first.running(), true);
        assert.equal(first.cancel(), false);
        assert.equal(second.cancel(), true);
        assert.equal(second.cancelled(), true);
        await assert.rejects(second.result(), CancelledError);
        assert.equal(await first.result(), 150);
      }));
  });

  describe(`${name}: map`, () => {
    it("yields results in input order whatever the finishing order", () =>
      using(make({ maxWorkers: 3 }), async (executor) => {
        const delays = [120, 10, 60, 0, 30];
        const results = await collect(executor.map((ms: number) => sleep(ms, `done ${ms}`), []));
        assert.deepEqual(results, []);
        assert.deepEqual(
          await collect(executor.map(sleep, delays)),
          delays.map((ms) => ms),
        );
      }));

    it("maps a larger input like Array.map", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const items = Array.from({ length: 200 }, (_, i) => i);
        assert.deepEqual(
          await collect(executor.map(square, items)),
          items.map((i) => i * i),
        );
      }));

    it("honours chunksize without changing results", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const items = Array.from({ length: 25 }, (_, i) => i);
        assert.deepEqual(
          await collect(executor.map(square, items, { chunksize: 4 })),
          items.map((i) => i * i),
        );
      }));

    it("submits everything at the call, before iteration", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        let pulled = 0;
        function* items() {
          for (let i = 0; i < 5; i++) {
            pulled++;
            yield i;
          }
        }
        const results = executor.map(square, items());
        assert.equal(pulled, 5);
        assert.deepEqual(await collect(results), [0, 1, 4, 9, 16]);
      }));

    it("raises a task's error when its result is reached", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const seen: number[] = [];
        await assert.rejects(
          (async () => {
            for await (const value of executor.map(squareUnlessNegative, [1, 2, -3, 4])) seen.push(value);
          })(),
          (error: Error) => error instanceof RangeError && error.message === "negative: -3",
        );
        assert.deepEqual(seen, [1, 4], "the results before the failing item were yielded");
      }));

    it("raises TimeoutError counted from the call", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const results = executor.map(sleep, [10, 400], { timeout: 150 });
        await new Promise((resolve) => setTimeout(resolve, 60));
        const seen: unknown[] = [];
        await assert.rejects(
          (async () => {
            for await (const value of results) seen.push(value);
          })(),
          TimeoutError,
        );
        assert.deepEqual(seen, [10]);
      }));

    it("cancels the item whose result timed out, as Python's _result_or_cancel", () =>
      using(make({ maxWorkers: 1 }), async (executor) => {
        const folder = mkdtempSync(path.join(os.tmpdir(), "futures-map-"));
        const traces = ["a", "b", "c"].map((name) => path.join(folder, name));
        const blocker = executor.submit(sleep, 300);
        await assert.rejects(collect(executor.map(touch, traces, { timeout: 50 })), TimeoutError);
        await blocker;
        await wait([executor.submit(sleep, 50)]);
        assert.deepEqual(readdirSync(folder), [], "no item of the map ran");
        rmSync(folder, { recursive: true });
      }));

    it("with buffersize, reads an endless iterable only as far as needed", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        let pulled = 0;
        function* naturals() {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        }
        const results = executor.map(square, naturals(), { buffersize: 3 });
        assert.equal(pulled, 3);
        const first: number[] = [];
        for await (const value of results) {
          first.push(value);
          if (first.length === 5) break;
        }
        assert.deepEqual(first, [0, 1, 4, 9, 16]);
        assert.ok(pulled <= 8, `pulled ${pulled}`);
      }));

    it("holds no result once it is handed out (CPython's test_free_reference)", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        for (const chunksize of [1, 3]) {
          const results = executor.map(makeObject, [0, 1, 2, 3, 4, 5], { chunksize });
          for (let i = 0; i < 6; i++) {
            // The WeakRef is the only reference left once the helper returns.
            const ref = await takeWeakly(results, i);
            await collectGarbage();
            assert.equal(ref.deref(), undefined, `result ${i} (chunksize ${chunksize}) is still alive`);
          }
          assert.equal((await results.next()).done, true);
        }
      }));

    it("rejects options of the wrong type with TypeError, out of range with RangeError", () =>
      using(make({ maxWorkers: 1 }), async (executor) => {
        assert.throws(() => executor.map(square, [1], { chunksize: 0 }), RangeError);
        assert.throws(() => executor.map(square, [1], { chunksize: 1.5 }), RangeError);
        assert.throws(() => executor.map(square, [1], { buffersize: 0 }), RangeError);
        assert.throws(() => executor.map(square, [1], { buffersize: NaN }), RangeError);
        const foo = "foo" as unknown as number;
        assert.throws(() => executor.map(square, [1], { buffersize: foo }), {
          name: "TypeError",
          message: "buffersize must be a number, got string 'foo'",
        });
        assert.throws(() => executor.map(square, [1], { chunksize: foo }), TypeError);
        assert.throws(() => executor.map(square, [1], { timeout: foo }), TypeError);
        assert.throws(() => executor.map(square, [1], { timeout: NaN }), RangeError);
        const notASignal = 5 as unknown as AbortSignal;
        assert.throws(() => executor.submitWith({ signal: notASignal }, square, 2), {
          name: "TypeError",
          message: "signal must be an AbortSignal, got number 5",
        });
      }));
  });

  describe(`${name}: wait and asCompleted`, () => {
    it("wait FIRST_COMPLETED returns when one finishes", () =>
      using(make({ maxWorkers: 3 }), async (executor) => {
        const fast = executor.submit(sleep, 10);
        const slow = held(executor);
        const { done, notDone } = await wait([fast, slow.future], { returnWhen: FIRST_COMPLETED });
        assert.deepEqual([...done], [fast]);
        assert.deepEqual([...notDone], [slow.future]);
      }));

    it("wait FIRST_EXCEPTION returns at the first failure", () =>
      using(make({ maxWorkers: 3 }), async (executor) => {
        const slow = held(executor);
        const ok = executor.submit(sleep, 10);
        await ok; // done before the failure, whichever worker is quicker
        const bad = executor.submit(fail, "x", 40);
        const { done, notDone } = await wait([ok, bad, slow.future], { returnWhen: FIRST_EXCEPTION });
        assert.ok(done.has(ok) && done.has(bad));
        assert.deepEqual([...notDone], [slow.future]);
      }));

    it("wait FIRST_EXCEPTION without failures waits for all", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const futures = [executor.submit(sleep, 10), executor.submit(sleep, 30)];
        const { done, notDone } = await wait(futures, { returnWhen: FIRST_EXCEPTION });
        assert.equal(done.size, 2);
        assert.equal(notDone.size, 0);
      }));

    it("wait ALL_COMPLETED and with a timeout", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const fast = executor.submit(sleep, 5);
        const slow = held(executor);
        await fast;
        const partial = await wait([fast, slow.future], { timeout: 100, returnWhen: ALL_COMPLETED });
        assert.deepEqual([...partial.done], [fast]);
        assert.deepEqual([...partial.notDone], [slow.future]);
        slow.release();
        const all = await wait([fast, slow.future]);
        assert.equal(all.done.size, 2);
      }));

    it("asCompleted yields in completion order, finished ones first", () =>
      using(make({ maxWorkers: 3 }), async (executor) => {
        const done = new Future<number>();
        done.setResult(-1);
        const slow = held(executor);
        const fast = executor.submit(sleep, 20);
        const order: CompletedFuture<unknown>[] = [];
        for await (const future of asCompleted([slow.future, fast, done, fast])) {
          order.push(future);
          if (future === fast) slow.release(); // the slow call ends only after the fast one
        }
        assert.deepEqual(order, [done, fast, slow.future]);
      }));

    it("asCompleted yields futures, not results, and failed ones too", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const futures = [executor.submit(fail, "bad"), executor.submit(whereAmI)];
        let failures = 0;
        for await (const future of asCompleted(futures)) {
          assert.ok(future instanceof Future);
          if (await future.exception()) failures++;
        }
        assert.equal(failures, 1);
      }));

    it("asCompleted serves overlapping next() calls and ends them on return()", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const slow = held(executor);
        const futures = [executor.submit(sleep, 20), slow.future];
        const iterator = asCompleted(futures);
        const [first, second] = [iterator.next(), iterator.next()];
        assert.equal((await first).value, futures[0]);
        slow.release();
        assert.equal((await second).value, futures[1]);
        // A future nobody finishes: return() must end the wait, and shutdown has nothing to wait for.
        const other = asCompleted([new Future<number>()]);
        const waiting = other.next();
        await other.return!();
        assert.deepEqual(await waiting, { done: true, value: undefined });
      }));

    it("asCompleted raises TimeoutError with the count of unfinished futures", () =>
      using(make({ maxWorkers: 2 }), async (executor) => {
        const slow = held(executor);
        const futures = [executor.submit(sleep, 5), slow.future];
        await futures[0];
        const seen: unknown[] = [];
        await assert.rejects(
          (async () => {
            for await (const future of asCompleted(futures, { timeout: 150 }))
              seen.push(await future.result());
          })(),
          (error: Error) =>
            error instanceof TimeoutError && /1 \(of 2\) futures unfinished/.test(error.message),
        );
        assert.deepEqual(seen, [5]);
      }));
  });

  describe(`${name}: shutdown`, () => {
    it("refuses submissions after shutdown", async () => {
      const executor = make({ maxWorkers: 1 });
      await executor.shutdown();
      assert.throws(() => executor.submit(add, 1, 2), ShutdownError);
      await executor.shutdown();
    });

    it("waits for running and pending work", async () => {
      const executor = make({ maxWorkers: 1 });
      const futures = [executor.submit(sleep, 60), executor.submit(sleep, 20)];
      await executor.shutdown({ wait: true });
      assert.ok(futures.every((f) => f.done() && !f.cancelled()));
    });

    it("cancels pending work with cancelFutures and lets running work finish", async () => {
      const executor = make({ maxWorkers: 1 });
      const running = executor.submit(sleep, 100);
      const pending = [executor.submit(sleep, 10), executor.submit(sleep, 10)];
      await executor.shutdown({ cancelFutures: true });
      assert.equal(await running.result(), 100);
      assert.ok(pending.every((f) => f.cancelled()));
    });

    it("returns at once without wait and still finishes the work", async () => {
      const executor = make({ maxWorkers: 1 });
      const future = executor.submit(sleep, 80);
      await executor.shutdown({ wait: false });
      assert.equal(future.done(), false, "shutdown({ wait: false }) returned before the task ended");
      assert.throws(() => executor.submit(add, 1, 2), ShutdownError, "and it took effect at once");
      assert.equal(await future.result(), 80);
    });

    it("is the end of an `await using` block", async () => {
      let future: Future<number> | undefined;
      {
        await using executor = make({ maxWorkers: 1 });
        future = executor.submit(sleep, 30) as Future<number>;
      }
      assert.equal(future.done(), true);
      assert.equal(await future.result(), 30);
    });

    it("terminateWorkers() cancels what is queued, fails what runs and refuses new work", async () => {
      const executor = make({ maxWorkers: 1 });
      const running = executor.submit(sleep, 5_000);
      const queued = executor.submit(sleep, 10);
      // Until the first call runs (bounded), and a moment more: a queue's worker takes its job
      // a little after it is in Redis, later still on a loaded machine.
      for (let waited = 0; !running.running() && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const waiting = executor.shutdown({ wait: true });
      await executor.terminateWorkers();
      const error = await running.exception({ timeout: 5000 });
      assert.ok(error instanceof BrokenExecutor, String(error));
      assert.equal(queued.cancelled(), true);
      await waiting;
      assert.throws(() => executor.submit(add, 1, 2), ShutdownError);
    });

    it("refuses submit() from a process exit handler and starts no worker", { timeout: 60_000 }, () => {
      const run = spawnSync(process.execPath, [...process.execArgv, submitOnExit, name], {
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      assert.equal(report.threw, true, `submit() was accepted: ${run.stdout}`);
      assert.equal(report.name, "ShutdownError");
      assert.match(String(report.message), /cannot schedule new futures after the process began to exit/);
      if (report.workers !== undefined) assert.equal(report.workers, 0);
    });

    it("rejects maxWorkers below 1 (RangeError) or not a number (TypeError)", () => {
      assert.throws(() => make({ maxWorkers: 0 }), RangeError);
      assert.throws(() => make({ maxWorkers: -1 }), RangeError);
      assert.throws(() => make({ maxWorkers: 2.5 }), RangeError);
      assert.throws(() => make({ maxWorkers: "4" as unknown as number }), {
        name: "TypeError",
        message: "maxWorkers must be a number, got string '4'",
      });
    });
  });
}
