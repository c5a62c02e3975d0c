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

  it("checks in one transaction with each take, and else with a check of its own", async () => {
    const admin = new Redis(redis.port, "127.0.0.1");
    const ours = new Redis(redis.port, "127.0.0.1");
    // Stands in for BullMQ's client: its take is a script named as BullMQ names it, which
    // hands over the job whose id it is given, and commands are run by name, as BullMQ runs them.
    const taking = Object.assign(new Redis(redis.port, "127.0.0.1"), {
      runCommand(this: Redis, name: string, args: unknown[]) {
        return (this as unknown as Record<string, (args: unknown[]) => Promise<unknown>>)[name]!(args);
      },
    });
    taking.defineCommand("moveToActive:9.9.9", { numberOfKeys: 1, lua: "return { {}, ARGV[1], 0, 0 }" });
    const keys = { generation: "takes:generation", epoch: "takes:epoch" };
    const count = async () => Number(await admin.get(keys.generation));
    const take = (jobId: string) => taking.runCommand("moveToActive:9.9.9", ["takes:wait", jobId]);
    try {
      await admin.set(keys.epoch, "e1");
      const guard = new RollbackGuard(ours, keys);
      await guard.start();
      guard.checkWithTakes(taking, false);
      // The first take on a connection loads BullMQ's script as BullMQ does (the transaction's
      // EVALSHA is refused with NOSCRIPT): its job gets a check of its own.
      assert.deepEqual(await take("job-0"), [[], "job-0", 0, 0], "the take's own answer, for BullMQ");
      assert.equal(await guard.refusal("job-0", Date.now()), undefined);
      assert.deepEqual(await take("job-1"), [[], "job-1", 0, 0]);
      ours.disconnect(); // from now on, only the checks that come with the takes can answer
      assert.equal(await guard.refusal("job-1", Date.now()), undefined);
      await take("job-2");
      assert.equal(await guard.refusal("job-2", Date.now()), undefined);
      assert.equal(await count(), 1 + 1 + 1 + 2, "one check per take, and one of its own for job-0");

      // The count went back: the take's check does not clear its job, which waits for a check
      // of its own (here on a connection that is gone: it is not run).
      const guard2 = new RollbackGuard(admin, keys);
      await guard2.start();
      guard2.checkWithTakes(taking, false);
      const added = Date.now() - 1000;
      await admin.set(keys.generation, "1");
      await take("job-3");
      assert.match((await guard2.refusal("job-3", added)) ?? "", /came back from an older snapshot/);
      // A job whose take was not seen gets a check of its own.
      const before = await count();
      assert.equal(await guard2.refusal("job-unseen", Date.now()), undefined);
      assert.equal(await count(), before + 1);
      // Scripts flushed under a live connection: the take is made again as BullMQ makes it,
      // after the check, so its job gets a check of its own.
      await admin.script("FLUSH");
      assert.deepEqual(await take("job-4"), [[], "job-4", 0, 0]);
      const beforeOwn = await count();
      assert.equal(await guard2.refusal("job-4", Date.now()), undefined);
      assert.equal(await count(), beforeOwn + 1, "a check of its own");
    } finally {
      admin.disconnect();
      ours.disconnect();
      taking.disconnect();
    }
  });
});
