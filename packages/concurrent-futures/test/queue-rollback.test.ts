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
import { BlackholeProxy } from "./helpers/blackhole-proxy.ts";
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
});

describe("a worker's check for a rollback", { timeout: 60_000 }, () => {
  it("is one sent after the job was taken, never one already on its way", async () => {
    // The first check's INCR runs in Redis, its reply is held; then Redis goes back (as a
    // restart from a snapshot taken in between would leave it) and a second job is taken. The
    // first check would let the second job run; only a check sent after it sees the rollback.
    const proxy = new BlackholeProxy(redis.port);
    await proxy.listen();
    const client = new Redis(proxy.port, "127.0.0.1");
    const admin = new Redis(redis.port, "127.0.0.1");
    const keys = { generation: "ordering:generation", epoch: "ordering:epoch" };
    try {
      const guard = new RollbackGuard(client, keys);
      await guard.start();
      const counted = Number(await admin.get(keys.generation));
      proxy.hold();
      const first = guard.refusal(0);
      while (Number(await admin.get(keys.generation)) === counted)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await admin.set(keys.generation, counted - 1);
      const second = guard.refusal(0);
      proxy.release();
      assert.equal(await first, undefined, "the job taken before the rollback runs");
      assert.match(String(await second), /older snapshot/);
    } finally {
      client.disconnect();
      admin.disconnect();
      await proxy.close();
    }
  });

  it("never takes answers read out of the order Redis ran their checks in for a rollback", async () => {
    // A check behind a take rides BullMQ's connection, the others the worker's own: an answer
    // held on one arrives after a later check's on the other. Redis, not the order of the
    // answers, tells whether the count went back.
    const proxy = new BlackholeProxy(redis.port);
    await proxy.listen();
    const slow = new Redis(proxy.port, "127.0.0.1");
    const own = new Redis(redis.port, "127.0.0.1");
    const keys = { generation: "out-of-order:generation", epoch: "out-of-order:epoch" };
    try {
      const guard = new RollbackGuard(own, keys);
      await guard.start();
      await slow.ping();
      const counted = Number(await own.get(keys.generation));
      proxy.hold();
      const early = guard.checkOn(slow);
      while (Number(await own.get(keys.generation)) === counted)
        await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await guard.refusal(0), undefined, "a later check on the worker's own connection");
      proxy.release();
      await early;
      assert.equal(await guard.refusal(0), undefined, "the early answer read last is no rollback");
      assert.equal(await guard.refusal(0, guard.checkOn(slow)), undefined);
    } finally {
      slow.disconnect();
      own.disconnect();
      await proxy.close();
    }
  });

  it("sent behind a take sees a count that went back", async () => {
    const own = new Redis(redis.port, "127.0.0.1");
    const other = new Redis(redis.port, "127.0.0.1");
    const keys = { generation: "behind-take:generation", epoch: "behind-take:epoch" };
    try {
      const guard = new RollbackGuard(own, keys);
      await guard.start();
      assert.equal(await guard.refusal(0, guard.checkOn(other)), undefined);
      await own.decrby(keys.generation, 10);
      assert.match(String(await guard.refusal(0, guard.checkOn(other))), /older snapshot/);
    } finally {
      own.disconnect();
      other.disconnect();
    }
  });

  it("of a job an idle worker takes goes to Redis with the take, on its connection", async () => {
    const worker = await startWorker(redis.url, "riding", "async", 2);
    started.push(worker);
    const executor = new QueueExecutor({ queue: "riding", connection: redis.url });
    const monitor = new Redis(redis.port, "127.0.0.1");
    const lines: string[] = [];
    try {
      await executor.submit(recordRun, join(dir, "riding.txt"), 0, 0);
      const feed = await monitor.monitor();
      feed.on("monitor", (_time: string, args: string[], source: string) => {
        if (source !== "lua") lines.push(`${source} ${args.join(" ")}`);
      });
      await executor.submit(recordRun, join(dir, "riding.txt"), 1, 0);
      // The check script by its keys (heartbeats and the producer's checks name others too).
      const checks = lines.flatMap((line, i) =>
        / 2 bull:riding:futures:generation bull:riding:futures:epoch \d+$/.test(line) ? [i] : [],
      );
      assert.ok(checks.length > 0, "the worker checked the generation");
      // The command before it on its connection: a take means it rode BullMQ's connection.
      const behind = checks.map((check) => {
        const source = lines[check]!.split(" ")[0]!;
        return lines
          .slice(0, check)
          .filter((line) => line.startsWith(`${source} `))
          .at(-1);
      });
      assert.ok(
        behind.some((line) => / bull:riding:wait bull:riding:active /.test(String(line))),
        `a check right behind the take: ${behind.join(" | ")}`,
      );
      feed.disconnect();
    } finally {
      monitor.disconnect();
      await executor.shutdown();
    }
  });
});
