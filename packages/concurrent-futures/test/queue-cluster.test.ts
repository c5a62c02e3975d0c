// QueueExecutor and QueueWorker on a real Redis Cluster (three masters, a replica each): the
// default prefix gets a hash tag so that a queue's keys share one slot, and every call
// settles once, with its own result, through that slot moving to another master and through
// a failover of the master that holds it.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { QueueExecutor, WorkerLostError, describeConnection } from "../src/queue-executor/index.ts";
import { sleep, square } from "./fixtures/tasks.ts";
import { notOwnResults, whenDone } from "./helpers/settled.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedisCluster, type RedisCluster } from "@futures/test-support/redis-cluster";

let cluster: RedisCluster;
const started: ChildProcess[] = [];

before(async () => {
  cluster = await startRedisCluster();
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await cluster?.stop();
});

describe("a queue on a Redis Cluster", { timeout: 300_000 }, () => {
  it("keeps a queue's keys in one slot, under a hash-tagged prefix", async () => {
    started.push(await startWorker(cluster.url, "squares", "async", 4));
    await using executor = new QueueExecutor({ queue: "squares", connection: cluster.url });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => executor.submit(square, i)));
    assert.deepEqual(
      results,
      Array.from({ length: 40 }, (_, i) => i * i),
    );
    const master = await cluster.masterOf("{bull}");
    assert.equal(await cluster.command(master, "EXISTS", "{bull}:squares:meta"), "1");
    assert.match(describeConnection(cluster.url), /^cluster 127\.0\.0\.1:\d+,/);
  });

  it("settles every call once, with its own result, through a slot migration and a failover", async () => {
    // BullMQ's default locks and stalled check (every 30 s, not every second as in the other
    // tests): its script reads job locks by names it does not declare, so while a slot moves,
    // a lock already on the new node looks missing and a running job is failed as stalled (with
    // 400 jobs in the slot, each time). The executor's own check (every 300 ms) declares them.
    started.push(await startWorker(cluster.url, "moves", "async", 8, undefined, true));
    await using executor = new QueueExecutor({
      queue: "moves",
      connection: cluster.url,
      reconcileInterval: 300,
    });
    const futures = Array.from({ length: 400 }, (_, i) => executor.submit(sleep, 20, i));
    await whenDone(futures, 50);
    const from = await cluster.masterOf("{bull}");
    const to = await cluster.moveSlotOf("{bull}");
    assert.notEqual(to, from);
    await whenDone(futures, 200);
    const promoted = await cluster.failOver("{bull}");
    assert.notEqual(promoted, to);
    const outcomes = await Promise.allSettled(futures);
    assert.deepEqual(notOwnResults(outcomes), []);
  });

  it("settles every call once when the master holding the queue crashes", async () => {
    // BullMQ's default locks (30 s) outlast the failover: a live worker's job is not taken for lost.
    started.push(await startWorker(cluster.url, "crash", "async", 8, undefined, true));
    await using executor = new QueueExecutor({
      queue: "crash",
      connection: cluster.url,
      reconcileInterval: 300,
    });
    const futures = Array.from({ length: 300 }, (_, i) => executor.submit(sleep, 20, i));
    await whenDone(futures, 80);
    await cluster.failOver("{bull}", { kill: true });
    // A write the replica never received (a result) may make a job look abandoned: that call
    // fails with WorkerLostError, never runs twice, and no other outcome is allowed.
    const outcomes = await Promise.allSettled(futures);
    assert.deepEqual(
      notOwnResults(outcomes, (reason) => reason instanceof WorkerLostError),
      [],
    );
    assert.ok(outcomes.filter((outcome) => outcome.status === "fulfilled").length > 250);
  });
});
