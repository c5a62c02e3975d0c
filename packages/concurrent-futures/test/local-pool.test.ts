// LocalPool: one local pool for the QueueWorkers of several queues in one process. No Redis
// here: what the pool promises its workers (one executor, closed by the last to leave) and
// what a worker sharing it takes from it.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { LocalPool, QueueWorker } from "../src/queue-executor/index.ts";

const TASKS = fileURLToPath(new URL("./fixtures/tasks.ts", import.meta.url));

describe("LocalPool", () => {
  it("gives its workers one executor, which runs on until the last of them leaves", async () => {
    const pool = new LocalPool({ executor: "async", concurrency: 2 });
    const first = pool.join();
    const second = pool.join();
    assert.equal(first, second, "one executor, so concurrency counts for both");
    await pool.leave({ endRunning: false });
    assert.equal(await second.submit(undefined, (n: number) => n + 1, [41]).future, 42);
    const late = second.submit(
      undefined,
      () => new Promise((resolve) => setTimeout(resolve, 50, "done")),
      [],
    );
    await pool.leave({ endRunning: false });
    assert.equal(await late.future, "done", "the last leaving lets running calls finish");
    assert.throws(() => second.submit(undefined, () => 1, []), /shut ?down/i);
  });

  it("checks its settings, and a worker sharing it takes them from it", () => {
    assert.throws(() => new LocalPool({ concurrency: 0 }), RangeError);
    assert.throws(() => new LocalPool({ executor: "fibers" as never }), TypeError);
    const pool = new LocalPool({ executor: "threads", concurrency: 3 });
    const worker = new QueueWorker({ queue: "q", imports: [TASKS], pool });
    assert.equal(worker.executorKind, "threads");
    assert.equal(worker.concurrency, 3);
    assert.throws(
      () => new QueueWorker({ queue: "q", imports: [TASKS], pool, concurrency: 2 }),
      /executor and concurrency are the pool's/,
    );
  });
});
