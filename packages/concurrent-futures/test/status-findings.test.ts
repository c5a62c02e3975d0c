// What a queue's status calls for attention, and a worker's count of recent finishes: pure
// functions, checked without Redis (queue-status.test.ts reads them from real workers).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecentFinishes } from "../src/queue-executor/recent-finishes.ts";
import { printable } from "../src/queue-executor/printable.ts";
import { statusFindings, type WorkerStatus } from "../src/queue-executor/status-findings.ts";

const counts = { waiting: 2, active: 0, delayed: 1, prioritized: 3, failed: 0, completed: 0 };
const registry = { wrongTypes: [], seenKey: "bull:q:futures:seen", futureEntries: 0, longIds: 0 };

function worker(running: number, sinceBeat: number): WorkerStatus {
  return {
    id: "w1",
    host: "box",
    pid: 42,
    executor: "processes",
    concurrency: 2,
    running,
    finishedLastMinute: 0,
    lockDuration: 30_000,
    startedAt: 0,
    at: 0,
    sinceBeat,
  };
}

describe("statusFindings", () => {
  it("says a silent worker's jobs lose their locks, then are stalled past its lock", () => {
    const findings = statusFindings({
      queue: "q",
      redis: "127.0.0.1:6379",
      workers: [],
      silentWorkers: [worker(0, 7_000), worker(2, 8_000), worker(1, 45_000)],
      olderWorkers: [],
      registry,
      counts,
      memory: { used: 10, max: 0, policy: "allkeys-lru" },
    });
    assert.deepEqual(findings, [
      "no live worker on queue 'q' (6 jobs wait): start a QueueWorker for it, or check the queue's name and prefix",
      "worker w1 (box, pid 42) silent for 7 s (dead or frozen); it held no job",
      "worker w1 (box, pid 42) silent for 8 s (dead or frozen): the 2 jobs it held lose their locks in 22 s",
      "worker w1 (box, pid 42) silent for 45 s (dead or frozen), past its 30 s lock: the 1 job it held is stalled",
    ]);
  });

  it("finds nothing in a healthy queue; a nearly full Redis from 90% of maxmemory", () => {
    const facts = {
      ...{ queue: "q", redis: "r:1", workers: [worker(1, 500)], silentWorkers: [], olderWorkers: [] },
      ...{ registry, counts },
    };
    const at = (used: number) =>
      statusFindings({ ...facts, memory: { used, max: 2 ** 20, policy: "noeviction" } });
    assert.deepEqual(at(0.89 * 2 ** 20), []);
    assert.deepEqual(statusFindings({ ...facts, memory: null }), []);
    assert.deepEqual(at(0.9 * 2 ** 20), [
      "Redis at r:1 uses 90% of its maxmemory (0.9 MiB of 1.0 MiB): when full it refuses new jobs",
    ]);
  });

  it("counts a live worker of an earlier release as live; says what in the registry is forged", () => {
    const findings = statusFindings({
      ...{ queue: "q", redis: "r:1", workers: [], silentWorkers: [], counts, memory: null },
      olderWorkers: [{ id: "old", concurrency: 4 }],
      registry: {
        wrongTypes: [{ key: "bull:q:futures:workers", type: "string" }],
        seenKey: "bull:q:futures:seen",
        futureEntries: 2,
        longIds: 1,
      },
    });
    assert.deepEqual(findings, [
      "key 'bull:q:futures:workers' holds a string, not what futures keeps there: something else wrote it, " +
        "and the workers are listed without it",
      "3 entries of key 'bull:q:futures:seen' are not a worker's heartbeat " +
        "(2 scored after Redis's time, 1 with ids over 128 characters): something else wrote them",
    ]);
  });
});

describe("printable", () => {
  it("escapes controls (C0, C1, bidi, separators) and caps the length between code points", () => {
    assert.equal(
      printable("box\x1b]0;pwned\x07\x9b2K\u202eok\u2028", 100),
      "box\\x1b]0;pwned\\x07\\x9b2K\\u202eok\\u2028",
    );
    assert.equal(printable("host-\u00e9t\u00e9 \u{1f600}", 100), "host-\u00e9t\u00e9 \u{1f600}");
    assert.equal(printable("abcdefgh", 6), "abc...");
    assert.equal(printable("ab\u{1f600}defgh", 6), "ab...");
    assert.equal(printable("\x00".repeat(1000), 20).length, 20);
  });
});

describe("RecentFinishes", () => {
  it("counts the last 60 seconds and forgets older ones", () => {
    const finishes = new RecentFinishes();
    const start = 1_000_000_000;
    finishes.record(start);
    finishes.record(start + 500);
    finishes.record(start + 30_000);
    assert.equal(finishes.lastMinute(start + 30_000), 3);
    assert.equal(finishes.lastMinute(start + 60_500), 1, "the first second is past");
    // A slot reused a minute later starts again from zero.
    finishes.record(start + 60_000);
    assert.equal(finishes.lastMinute(start + 60_000), 2);
    assert.equal(finishes.lastMinute(start + 200_000), 0);
  });
});
