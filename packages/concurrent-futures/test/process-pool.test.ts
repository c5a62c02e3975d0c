import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokenProcessPool, ProcessPoolExecutor, ShutdownError, wait } from "../src/index.ts";
import { executorSuite } from "./executor-suite.ts";
import { poolSpecifics } from "./pool-specifics.ts";
import { exitProcess, recall, remember, sleep, square, throwInInit, whereAmI } from "./fixtures/tasks.ts";

executorSuite("ProcessPoolExecutor", (options) => new ProcessPoolExecutor(options));
poolSpecifics("ProcessPoolExecutor", (options) => new ProcessPoolExecutor(options), BrokenProcessPool);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until the OS says none of `pids` exists any more, or fail after `ms`. */
async function assertGone(pids: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(pids.filter(alive), [], "worker processes left behind");
}

describe("ProcessPoolExecutor specifics", () => {
  it("runs tasks in other processes", async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
    const where = await pool.submit(whereAmI);
    assert.notEqual(where.pid, process.pid);
  });

  it("defaults to os.availableParallelism() workers", async () => {
    await using pool = new ProcessPoolExecutor();
    const { availableParallelism } = await import("node:os");
    assert.equal(pool.maxWorkers, availableParallelism());
  });

  it("runs the initializer in every process", async () => {
    await using pool = new ProcessPoolExecutor({
      maxWorkers: 2,
      initializer: remember,
      initargs: [{ level: 3 }],
    });
    assert.deepEqual(await pool.submit(recall), [{ level: 3 }]);
  });

  it("rejects maxTasksPerChild of the wrong type (TypeError) or below 1 (RangeError)", () => {
    assert.throws(() => new ProcessPoolExecutor({ maxTasksPerChild: "2" as unknown as number }), TypeError);
    assert.throws(() => new ProcessPoolExecutor({ maxTasksPerChild: 0 }), RangeError);
    assert.throws(() => new ProcessPoolExecutor({ maxTasksPerChild: 1.5 }), RangeError);
  });

  it("replaces a process after maxTasksPerChild tasks", async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 6; i++) pids.push((await pool.submit(whereAmI)).pid);
    assert.equal(new Set(pids).size, 3, `pids: ${pids}`);
    assert.equal(pids[0], pids[1]);
    assert.notEqual(pids[1], pids[2]);
    await pool.shutdown();
    await assertGone(pids);
  });

  it("sends chunks of map's items in one message and still yields every result in order", async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const results: number[] = [];
    for await (const value of pool.map(square, items, { chunksize: 100 })) results.push(value);
    assert.deepEqual(
      results,
      items.map((i) => i * i),
    );
  });

  it(
    "breaks within a second when a worker is killed with SIGKILL mid-task",
    { timeout: 30_000 },
    async () => {
      const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
      const [a, b] = await Promise.all([pool.submit(whereAmI, 20), pool.submit(whereAmI, 20)]);
      const running = [pool.submit(sleep, 10_000), pool.submit(sleep, 10_000)];
      const pending = pool.submit(sleep, 10);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const killedAt = performance.now();
      process.kill(a!.pid, "SIGKILL");
      const { notDone } = await wait([...running, pending], { timeout: 1000 });
      assert.equal(notDone.size, 0, "every future failed within a second");
      assert.ok(performance.now() - killedAt < 1500);
      for (const future of [...running, pending]) {
        const error = await future.exception();
        assert.ok(error instanceof BrokenProcessPool, String(error));
        assert.match((error as Error).message, /terminated abruptly.*SIGKILL/);
      }
      assert.throws(() => pool.submit(whereAmI), BrokenProcessPool);
      await pool.shutdown();
      await assertGone([a!.pid, b!.pid]);
    },
  );

  it("breaks when a task calls process.exit(1)", { timeout: 30_000 }, async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const { pid } = await pool.submit(whereAmI);
    const error = await pool.submit(exitProcess, 1).exception();
    assert.ok(error instanceof BrokenProcessPool);
    assert.match((error as Error).message, /exit code 1/);
    await pool.shutdown();
    await assertGone([pid]);
  });

  it("breaks when the initializer throws, and shutdown still returns", { timeout: 30_000 }, async () => {
    const pool = new ProcessPoolExecutor({ maxWorkers: 2, initializer: throwInInit });
    const futures = [pool.submit(whereAmI), pool.submit(whereAmI)];
    for (const future of futures) {
      const error = await future.exception();
      assert.ok(error instanceof BrokenProcessPool);
      assert.match(((error as Error).cause as Error).message, /initializer failed on purpose/);
    }
    await pool.shutdown();
    assert.throws(
      () => pool.submit(whereAmI),
      (e) => e instanceof BrokenProcessPool || e instanceof ShutdownError,
    );
  });

  it("terminateWorkers() and killWorkers() stop every process now", { timeout: 30_000 }, async () => {
    for (const stop of ["terminateWorkers", "killWorkers"] as const) {
      const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
      const pids = (await Promise.all([pool.submit(whereAmI, 20), pool.submit(whereAmI, 20)])).map(
        (w) => w.pid,
      );
      const running = pool.submit(sleep, 10_000);
      const queued = [pool.submit(sleep, 10_000), pool.submit(sleep, 10_000)];
      await pool[stop]();
      assert.ok((await running.exception()) instanceof BrokenProcessPool);
      assert.ok(queued.some((f) => f.cancelled()));
      assert.throws(() => pool.submit(whereAmI), ShutdownError);
      await assertGone(pids);
    }
  });
});
