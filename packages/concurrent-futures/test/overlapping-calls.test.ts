// concurrentCallsPerWorker on both pools: several calls of an async task run at once in one
// worker, never more than the limit; cancel, shutdown, errors and a dying worker keep their
// contract. Barriers (fixtures/overlap-tasks.ts) prove calls overlap; nothing times anything.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BrokenProcessPool,
  BrokenThreadPool,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type BrokenExecutor,
} from "../src/index.ts";
import { meet } from "./fixtures/overlap-tasks.ts";
import { exitProcess, fail } from "./fixtures/tasks.ts";

type Pool = ThreadPoolExecutor | ProcessPoolExecutor;
type MakePool = (options: { maxWorkers: number; concurrentCallsPerWorker?: number }) => Pool;

const pools: [string, MakePool, new (...args: any[]) => BrokenExecutor][] = [
  ["ThreadPoolExecutor", (options) => new ThreadPoolExecutor(options), BrokenThreadPool],
  ["ProcessPoolExecutor", (options) => new ProcessPoolExecutor(options), BrokenProcessPool],
];

for (const [name, make, Broken] of pools) {
  describe(`${name}: concurrentCallsPerWorker`, { timeout: 60_000 }, () => {
    it("is 1 by default and refuses less than 1", async () => {
      await using pool = make({ maxWorkers: 1 });
      assert.equal(pool.concurrentCallsPerWorker, 1);
      assert.throws(() => make({ maxWorkers: 1, concurrentCallsPerWorker: 0 }), RangeError);
      assert.throws(() => make({ maxWorkers: 1, concurrentCallsPerWorker: 1.5 }), RangeError);
    });

    it("runs several calls at once in one worker: they wait for each other at a barrier", async () => {
      await using pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 3 });
      const met = await Promise.all([1, 2, 3].map(() => pool.submit(meet, 3)));
      assert.equal(new Set(met.map((m) => m.worker)).size, 1);
      assert.deepEqual(
        met.map((m) => m.peak),
        [3, 3, 3],
      );
    });

    it("never runs more than the limit in a worker, and marks running only what started", async () => {
      await using pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 3 });
      const futures = [1, 2, 3, 4, 5, 6, 7].map(() => pool.submit(meet, 3));
      // Seven calls, three at a time: the barrier lets groups of three through.
      assert.deepEqual(
        futures.map((f) => f.running()),
        [true, true, true, false, false, false, false],
      );
      const met = await Promise.all(futures.slice(0, 6));
      assert.deepEqual(
        met.map((m) => m.peak),
        [3, 3, 3, 3, 3, 3],
      );
      // The seventh waits at the barrier for two more.
      const last = [pool.submit(meet, 3), pool.submit(meet, 3)];
      assert.equal((await futures[6]!).peak, 3);
      await Promise.all(last);
    });

    it("spreads calls over new workers first, then to the one with the most room", async () => {
      await using pool = make({ maxWorkers: 2, concurrentCallsPerWorker: 2 });
      const met = await Promise.all([1, 2, 3, 4].map(() => pool.submit(meet, 2)));
      const workers = met.map((m) => m.worker);
      assert.equal(new Set(workers).size, 2);
      assert.equal(workers[0], workers[2]);
      assert.equal(workers[1], workers[3]);
      assert.equal(pool.workerCount, 2);
    });

    it("cancels a call queued behind a full worker", async () => {
      await using pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 2 });
      const [a, b, c] = [pool.submit(meet, 2), pool.submit(meet, 2), pool.submit(meet, 1)];
      assert.equal(a.running() && b.running(), true);
      assert.equal(c.running(), false);
      assert.equal(c.cancel(), true);
      assert.equal(a.cancel() || b.cancel(), false);
      await Promise.all([a, b]);
      assert.equal(c.cancelled(), true);
      assert.equal((await pool.submit(meet, 1)).peak, 2);
    });

    it("fails only the call that throws, not those beside it in the worker", async () => {
      await using pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 3 });
      const a = pool.submit(meet, 2);
      const bad = pool.submit(fail, "only me");
      const b = pool.submit(meet, 2);
      assert.equal((await a).peak >= 2, true);
      assert.equal((await b).worker, (await a).worker);
      assert.match(String(await bad.exception()), /only me/);
    });

    it("fails every call a dying worker held, and what was queued, with a broken pool", async () => {
      const pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 3 });
      // Two calls wait at a barrier that never fills; the third ends the worker.
      const held = [pool.submit(meet, 99), pool.submit(meet, 99), pool.submit(exitProcess, 3)];
      const queued = pool.submit(meet, 1);
      for (const future of [...held, queued]) assert.ok((await future.exception()) instanceof Broken);
      assert.throws(() => pool.submit(meet, 1), Broken);
      await pool.shutdown();
    });

    it("terminateWorkers() fails every running call of a worker and cancels the queued ones", async () => {
      const pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 2 });
      const running = [pool.submit(meet, 99), pool.submit(meet, 99)];
      const queued = pool.submit(meet, 1);
      await pool.terminateWorkers();
      for (const future of running) assert.ok((await future.exception()) instanceof Broken);
      assert.equal(queued.cancelled(), true);
    });

    it("shutdown waits for every call running in a worker, and cancelFutures drops the queued", async () => {
      const pool = make({ maxWorkers: 1, concurrentCallsPerWorker: 2 });
      const running = [pool.submit(meet, 2), pool.submit(meet, 2)];
      const queued = pool.submit(meet, 1);
      await pool.shutdown({ cancelFutures: true });
      assert.equal(
        running.every((f) => f.done() && !f.cancelled()),
        true,
      );
      assert.equal(queued.cancelled(), true);
      assert.equal(pool.workerCount, 0);
    });

    it("runs a call with an AbortSignal alone in its worker, and aborting it ends only that worker", async () => {
      await using pool = make({ maxWorkers: 2, concurrentCallsPerWorker: 2 });
      const controller = new AbortController();
      const alone = pool.submitWith({ signal: controller.signal }, meet, 99);
      const others = [pool.submit(meet, 2), pool.submit(meet, 2)];
      const met = await Promise.all(others);
      assert.equal(met[0]!.worker, met[1]!.worker);
      controller.abort(new Error("stop it"));
      assert.match(String(await alone.exception()), /stop it/);
      assert.equal((await pool.submit(meet, 1)).worker, met[0]!.worker);
    });
  });
}
