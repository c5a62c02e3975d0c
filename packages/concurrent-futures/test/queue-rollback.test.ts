// Redis restarted from an older snapshot (SAVE, then more work, then a crash and a restart
// that loads the snapshot): jobs that ran after the snapshot are back in Redis as waiting.
// Under at-most-once none of them may run again: the live worker notices the generation went
// back and answers them with an error; the producer breaks, as for a Redis that came back empty.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { BrokenQueueExecutor, QueueExecutor } from "../src/queue-executor/index.ts";
import { RollbackGuard } from "../src/queue-executor/rollback-guard.ts";
import { announceWorker } from "../src/queue-executor/worker-registry.ts";
import { recordRun } from "./fixtures/tasks.ts";
import { whenDone } from "./helpers/settled.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
let dir: string;
const started: ChildProcess[] = [];

before(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), "futures-rollback-"));
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Redis back from an older snapshot", { timeout: 120_000 }, () => {
  it("runs no at-most-once call twice, and breaks the producer", async () => {
    const runs = join(dir, "runs.txt");
    const worker = await startWorker(redis.url, "rollback", "async", 2);
    started.push(worker);
    const executor = new QueueExecutor({
      queue: "rollback",
      connection: redis.url,
      window: 60,
      reconcileInterval: 300,
    });
    const futures = Array.from({ length: 60 }, (_, i) => executor.submit(recordRun, runs, i, 100));
    await whenDone(futures, 6);
    const admin = new Redis(redis.port, "127.0.0.1");
    await admin.save();
    admin.disconnect();
    // Work goes on past the snapshot, for longer than a heartbeat: jobs that were waiting in
    // the snapshot run now.
    await whenDone(futures, 36);
    await redis.restart({ fromSnapshot: true });
    const outcomes = await Promise.allSettled(futures);
    // The worker runs on; give it time to take whatever the snapshot brought back.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const ids = readFileSync(runs, "utf8").trim().split("\n").map(Number);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(twice, [], "no call ran twice");
    assert.ok(ids.length >= 36);
    assert.equal(worker.exitCode, null, "the worker lives");
    const broken = outcomes.filter((outcome) => outcome.status === "rejected");
    assert.ok(broken.length > 0);
    for (const outcome of broken) {
      assert.ok(outcome.reason instanceof BrokenQueueExecutor, String(outcome.reason));
      assert.match(outcome.reason.message, /came back from an older snapshot/);
    }
    await executor.shutdown({ wait: false });
  });

  it("takes a heartbeat's count not above those read before it as proof of a rollback", async () => {
    const admin = new Redis(redis.port, "127.0.0.1");
    const keys = {
      generation: "beat:generation",
      epoch: "beat:epoch",
      workers: "w",
      seen: "s",
      lastBeat: "b",
    };
    // A worker's heartbeat, as queue-worker.ts sends it and gives its count to the guard.
    const beat = { host: "h", pid: 1, executor: "async", concurrency: 1, running: 0 };
    const heartbeat = async (guard: RollbackGuard) => {
      const mark = guard.beforeHeartbeat();
      const at = { finishedLastMinute: 0, lockDuration: 1, startedAt: 0, at: Date.now() };
      const count = await announceWorker(admin, keys, "worker-1", { ...beat, ...at }).catch(() => NaN);
      guard.observe(count, mark);
    };
    try {
      await admin.set(keys.epoch, "e1");
      await admin.set(keys.generation, "100");
      const guard = new RollbackGuard(admin, keys);
      await guard.start(); // reads 101
      await heartbeat(guard); // 102: forward
      const before = Date.now() - 1000;
      assert.equal(await guard.refusal(before), undefined);
      // Redis back from a snapshot at 100; then the other workers' counts pass ours before
      // this worker's next check: only its heartbeat saw the count go back.
      await admin.set(keys.generation, "100");
      await heartbeat(guard); // 101, not above 103
      await admin.incrby(keys.generation, 1000);
      assert.match((await guard.refusal(before)) ?? "", /came back from an older snapshot/);

      // The same with the heartbeat, the others' counts and the job's check sent at once: Redis
      // runs them in that order, and the check waits for the heartbeat's answer to be read.
      const again = new RollbackGuard(admin, keys);
      await again.start();
      await admin.set(keys.generation, "100");
      const beat = heartbeat(again);
      void admin.incrby(keys.generation, 5000);
      const refused = again.refusal(before);
      await beat;
      assert.match((await refused) ?? "", /came back from an older snapshot/);

      // Redis back empty: the heartbeat's low count, read after the check that saw the new
      // epoch, proves nothing, and no job is refused for it.
      const fresh = new RollbackGuard(admin, { generation: "beat:generation2", epoch: "beat:epoch2" });
      await admin.set("beat:epoch2", "e1");
      await admin.set("beat:generation2", "50");
      await fresh.start();
      const mark = fresh.beforeHeartbeat();
      await admin.del("beat:epoch2", "beat:generation2");
      await admin.set("beat:epoch2", "e2");
      assert.equal(await fresh.refusal(before), undefined, "a new epoch: the count starts again");
      fresh.observe(1, mark); // sent before the count started again
      assert.equal(await fresh.refusal(before), undefined);
    } finally {
      admin.disconnect();
    }
  });
});
