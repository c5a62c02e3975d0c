// executor.stats() on every local executor, with real threads and child processes: a known
// schedule of sleeps, failures and cancels gives exact counts, and percentiles that are
// ordered and no shorter than the sleeps (never bounded above by the machine's load).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AsyncExecutor,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type Executor,
  type ExecutorStats,
  type Future,
  type Percentiles,
} from "../src/index.ts";
import { exitProcess, fail, noop, sleep } from "./fixtures/tasks.ts";

/** Every call is in exactly one state. */
function assertAddsUp(stats: ExecutorStats): void {
  const { submitted, waiting, running, done, failed, cancelled } = stats;
  assert.ok(waiting >= 0 && running >= 0, JSON.stringify(stats));
  assert.equal(waiting + running + done + failed + cancelled, submitted, JSON.stringify(stats));
}

function assertOrdered(times: Percentiles, floor: number): void {
  const { p50, p90, p99, max } = times;
  assert.ok(floor <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, JSON.stringify(times));
  assert.ok(max < 60_000, JSON.stringify(times));
}

const kinds: [string, (maxWorkers: number) => Executor<any>, string][] = [
  ["AsyncExecutor", (maxWorkers) => new AsyncExecutor({ maxWorkers }), "async"],
  ["ThreadPoolExecutor", (maxWorkers) => new ThreadPoolExecutor({ maxWorkers }), "thread"],
  ["ProcessPoolExecutor", (maxWorkers) => new ProcessPoolExecutor({ maxWorkers }), "process"],
];

for (const [name, make, workerKind] of kinds) {
  describe(`${name}.stats()`, () => {
    it("counts a schedule of sleeps, failures and cancels exactly, and times the calls that ran", async () => {
      await using executor = make(2);
      assert.deepEqual(
        { ...executor.stats(), waitMs: undefined, runMs: undefined, executor: undefined },
        {
          submitted: 0,
          waiting: 0,
          running: 0,
          done: 0,
          failed: 0,
          cancelled: 0,
          waitMs: undefined,
          runMs: undefined,
          workers: [],
          executor: undefined,
        },
      );
      assert.equal(executor.stats().executor.kind, name);
      const futures: Future<unknown>[] = [];
      for (let i = 0; i < 4; i++) futures.push(executor.submit(sleep, 50));
      futures.push(executor.submit(fail, "planned", 20), executor.submit(fail, "planned", 20));
      // Queued behind six calls on two workers: not started, so cancel() succeeds.
      const cancelled = executor.submit(sleep, 50);
      assert.equal(cancelled.cancel(), true);
      const aborted = executor.submitWith({ signal: AbortSignal.abort() }, sleep, 50);
      assert.equal(aborted.cancelled(), true);
      // At every outcome, each call is counted in exactly one state.
      for (const future of futures) future.addDoneCallback(() => assertAddsUp(executor.stats()));
      assertAddsUp(executor.stats());
      assert.ok(executor.stats().running <= 2);

      await Promise.allSettled(futures.map((future) => future.result()));
      const stats = executor.stats();
      assert.deepEqual(
        [stats.submitted, stats.waiting, stats.running, stats.done, stats.failed, stats.cancelled],
        [8, 0, 0, 4, 2, 2],
      );
      // The six calls that ran: four of 50 ms, two of 20 ms; the median is a 50 ms sleep.
      assert.equal(stats.runMs.count, 6);
      assert.equal(stats.waitMs.count, 6);
      assertOrdered(stats.runMs, 45);
      assertOrdered(stats.waitMs, 0);
      // Two workers, 4 x 50 + 2 x 20 ms of sleeping between them.
      assert.ok(stats.workers.length >= 1 && stats.workers.length <= 2, JSON.stringify(stats.workers));
      const busy = stats.workers.reduce((sum, worker) => sum + worker.busyMs, 0);
      assert.ok(busy >= 4 * 45 + 2 * 15, JSON.stringify(stats.workers));
      for (const worker of stats.workers) {
        assert.equal(worker.kind, workerKind);
        assert.ok(worker.utilization > 0 && worker.utilization <= 1, JSON.stringify(worker));
        assert.ok(worker.busyMs <= worker.aliveMs + 1, JSON.stringify(worker));
      }
      assert.deepEqual(
        stats.workers.map((worker) => worker.index).sort(),
        stats.workers.map((_, i) => i),
      );
      if (workerKind === "thread") for (const w of stats.workers) assert.equal(typeof w.threadId, "number");
      if (workerKind === "process") for (const w of stats.workers) assert.equal(typeof w.pid, "number");
    });

    it("counts calls cancelled by shutdown({ cancelFutures }) and the ones that finished", async () => {
      const executor = make(1);
      const futures = [executor.submit(sleep, 30), executor.submit(sleep, 30), executor.submit(sleep, 30)];
      await futures[0]!.result();
      await executor.shutdown({ cancelFutures: true });
      const stats = executor.stats();
      assertAddsUp(stats);
      assert.equal(stats.submitted, 3);
      // The second call started as the first ended, so it finished; the third was cancelled.
      assert.deepEqual([stats.running, stats.waiting, stats.done, stats.cancelled], [0, 0, 2, 1]);
      assert.equal(stats.runMs.count, 2);
    });

    it("keeps counting in fixed memory over many calls", async () => {
      await using executor = make(2);
      const calls = 5000;
      await Promise.all(Array.from({ length: calls }, () => executor.submit(noop)));
      const stats = executor.stats();
      assert.equal(stats.done, calls);
      assert.equal(stats.runMs.count, calls);
      assertOrdered(stats.runMs, 0);
      assertOrdered(stats.waitMs, 0);
    });
  });
}

describe("stats() of a pool whose worker dies", () => {
  for (const [name, Pool] of [
    ["ThreadPoolExecutor", ThreadPoolExecutor],
    ["ProcessPoolExecutor", ProcessPoolExecutor],
  ] as const) {
    it(`${name}: the running call and the queued ones count as failed`, async () => {
      const pool = new Pool({ maxWorkers: 1 });
      const futures = [pool.submit(exitProcess, 3), pool.submit(sleep, 10), pool.submit(sleep, 10)];
      await Promise.allSettled(futures.map((future) => future.result()));
      const stats = pool.stats();
      assertAddsUp(stats);
      assert.deepEqual([stats.submitted, stats.failed, stats.done, stats.cancelled], [3, 3, 0, 0]);
      await pool.shutdown();
    });
  }
});

describe("AsyncExecutor.stats() after terminateWorkers()", () => {
  it("counts the running calls as failed and frees their slots", async () => {
    const executor = new AsyncExecutor({ maxWorkers: 2 });
    const never = () => new Promise(() => {});
    const futures = [executor.submit(never), executor.submit(never), executor.submit(never)];
    await executor.terminateWorkers();
    await Promise.allSettled(futures.map((future) => future.result()));
    const stats = executor.stats();
    assert.deepEqual([stats.submitted, stats.failed, stats.cancelled, stats.running], [3, 2, 1, 0]);
    assert.equal(stats.workers.length, 2);
    assert.equal(stats.runMs.count, 2);
  });
});
