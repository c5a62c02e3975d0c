// The queue dashboard's state: a lane per worker seen, its busy share per look, silent workers
// marked and then dropped once their lane shows nothing, so that lanes stay bounded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { QueueStatus } from "concurrent-futures/queue";
import { HISTORY, QueueBoard } from "../../src/observe/queue-board.ts";

function status(workers: { id: string; running: number }[]): QueueStatus {
  return {
    queue: "q",
    redis: "127.0.0.1:6379",
    workers: workers.map(({ id, running }) => ({
      id,
      host: "h",
      pid: 1,
      executor: "async",
      concurrency: 4,
      running,
      finishedLastMinute: 0,
      lockDuration: 30_000,
      startedAt: 0,
      at: 0,
      sinceBeat: 0,
    })),
    silentWorkers: [],
    olderWorkers: [],
    unlistedWorkers: 0,
    counts: {
      waiting: 0,
      active: 0,
      delayed: 0,
      prioritized: 0,
      failed: 0,
      completed: 0,
    } as QueueStatus["counts"],
    jobsPerSecond: 0,
    memory: null,
    findings: [],
  };
}

describe("QueueBoard", () => {
  it("keeps HISTORY looks per worker, marks a silent one, and drops it once its lane is empty", () => {
    const board = new QueueBoard("q", "?");
    board.record(
      status([
        { id: "a", running: 2 },
        { id: "b", running: 4 },
      ]),
    );
    for (let look = 0; look < HISTORY + 5; look++) board.record(status([{ id: "a", running: 1 }]));
    const [a, b] = board.snapshot().workers;
    assert.equal(a!.busy.length, HISTORY);
    assert.equal(a!.busy.at(-1), 0.25);
    assert.equal(b, undefined, "silent for the whole history: dropped");

    board.record(status([{ id: "c", running: 4 }]));
    const c = board.snapshot().workers.find((lane) => lane.id === "c")!;
    assert.equal(c.busy.length, HISTORY, "a new worker's past is empty, not missing");
    assert.equal(c.busy.at(-1), 1);
    assert.equal(board.snapshot().workers.find((lane) => lane.id === "a")!.live, false);
  });

  it("shows why a look failed, and keeps what it knew", () => {
    const board = new QueueBoard("q", "?");
    board.record(status([{ id: "a", running: 1 }]));
    board.failed("Redis 127.0.0.1:6379 unreachable for 2 s");
    const snapshot = board.snapshot();
    assert.equal(snapshot.error, "Redis 127.0.0.1:6379 unreachable for 2 s");
    assert.equal(snapshot.workers.length, 1);
  });
});
