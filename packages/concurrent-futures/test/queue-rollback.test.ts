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

  it("checks right behind each take, on the taking connection, and falls back to its own", async () => {
    const admin = new Redis(redis.port, "127.0.0.1");
    const ours = new Redis(redis.port, "127.0.0.1");
    // Stands in for BullMQ's client: its takes are commands named so, on this connection.
    const taking = Object.assign(new Redis(redis.port, "127.0.0.1"), {
      runCommand(this: Redis, _name: string, _args: unknown[]) {
        return this.ping();
      },
    });
    const keys = { generation: "behind:generation", epoch: "behind:epoch" };
    const count = async () => Number(await admin.get(keys.generation));
    try {
      const guard = new RollbackGuard(ours, keys);
      await guard.start();
      guard.checkBehindTakes(taking, false);
      ours.disconnect(); // from now on, only the checks behind the takes can answer
      for (let n = 0; n < 3; n++) {
        void taking.runCommand("moveToActive:6.7.0", []);
        assert.equal(await guard.refusal(Date.now()), undefined);
      }
      assert.equal(await count(), 1 + 3, "one check per take");
      void taking.runCommand("moveStalledJobsToWait:6.7.0", []);
      assert.equal(await count(), 4, "no check behind other commands");
      // The count went back: the next take's check finds it, and jobs added before are refused.
      const added = Date.now() - 1000;
      await admin.set(keys.generation, "1");
      void taking.runCommand("moveToFinished:6.7.0", []);
      assert.match((await guard.refusal(added)) ?? "", /came back from an older snapshot/);

      // A job that came by no take seen: a check of its own, on the guard's connection.
      const alive = new Redis(redis.port, "127.0.0.1");
      try {
        const fallback = new RollbackGuard(alive, { generation: "own:generation", epoch: "behind:epoch" });
        await fallback.start();
        fallback.checkBehindTakes(taking, false);
        assert.equal(await fallback.refusal(Date.now()), undefined);
        assert.equal(Number(await admin.get("own:generation")), 2);
      } finally {
        alive.disconnect();
      }
    } finally {
      admin.disconnect();
      ours.disconnect();
      taking.disconnect();
    }
  });
});
