// QueueExecutor.stats() and its trace events on a real redis-server with a real worker
// process: the producer counts its own calls exactly, times them with its worker's report, and
// names that worker.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { traceChannels, type CallEvent, type EndEvent, type WorkerInfo } from "../src/index.ts";
import { QueueExecutor } from "../src/queue-executor/index.ts";
import { fail, sleep } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "stats";
let redis: RedisServer;
let worker: ChildProcess;

before(async () => {
  redis = await startRedis();
  worker = await startWorker(redis.url, QUEUE);
});

after(async () => {
  worker?.kill("SIGKILL");
  await redis?.stop();
});

describe("QueueExecutor.stats()", () => {
  it("counts the producer's calls exactly, times them with the worker's report, and traces them", async () => {
    const seen: [string, CallEvent][] = [];
    const listeners = Object.entries(traceChannels).map(([kind, name]) => {
      const listener = (event: unknown) => seen.push([kind, event as CallEvent]);
      subscribe(name, listener);
      return [name, listener] as const;
    });
    // A window of 2: the calls beyond it are held here, pending, so one can be cancelled.
    await using queue = new QueueExecutor({ queue: QUEUE, connection: redis.url, window: 2 });
    await queue.waitUntilReady();
    const futures = [queue.submit(sleep, 50), queue.submit(sleep, 50), queue.submit(fail, "queued", 5)];
    const held = queue.submit(sleep, 50);
    assert.equal(held.cancel(), true);
    futures.push(queue.submit(sleep, 50));
    await Promise.allSettled(futures.map((future) => future.result()));
    for (const [name, listener] of listeners) unsubscribe(name, listener);

    const stats = queue.stats();
    assert.equal(stats.executor.kind, "QueueExecutor");
    assert.deepEqual(
      [stats.submitted, stats.waiting, stats.running, stats.done, stats.failed, stats.cancelled],
      [5, 0, 0, 3, 1, 1],
    );
    assert.equal(stats.runMs.count, 4);
    // The worker's own measure, from taking the job to answering: never shorter than the sleep.
    assert.ok(stats.runMs.max >= 45 && stats.runMs.p50 <= stats.runMs.p99, JSON.stringify(stats.runMs));
    assert.equal(stats.waitMs.count, 4);
    // The one worker, as its outcomes name it, busy at least the three sleeps of 50 ms.
    assert.equal(stats.workers.length, 1);
    const [ran] = stats.workers;
    assert.deepEqual([ran!.kind, ran!.index, ran!.pid, ran!.host], ["queue", 0, worker.pid, hostname()]);
    assert.match(ran!.id!, /^[\w-]{8,}$/);
    assert.ok(ran!.busyMs >= 3 * 45 && ran!.utilization > 0 && ran!.utilization <= 1, JSON.stringify(ran));

    const mine = seen.filter(([, event]) => event.executor === stats.executor);
    const first = mine.filter(([, event]) => event.call === futures[0]!.id).map(([kind]) => kind);
    assert.deepEqual(first, ["submit", "start", "end"]);
    const cancelled = mine.filter(([, event]) => event.call === held.id).map(([kind]) => kind);
    assert.deepEqual(cancelled, ["submit", "cancel"]);
    assert.equal(mine.filter(([kind]) => kind === "failure").length, 1);
    // The start (admission to Redis) names no worker; each outcome names the one that ran it,
    // the same object every time.
    const ends = mine.filter(([kind]) => kind === "end" || kind === "failure").map(([, e]) => e as EndEvent);
    assert.equal(ends.length, 4);
    const workers = new Set<WorkerInfo | undefined>(ends.map((event) => event.worker));
    assert.equal(workers.size, 1);
    assert.deepEqual(
      { ...[...workers][0] },
      { kind: "queue", index: 0, pid: worker.pid, host: hostname(), id: ran!.id },
    );
    const starts = mine
      .filter(([kind]) => kind === "start")
      .map(([, e]) => (e as { worker?: unknown }).worker);
    assert.deepEqual(starts, [undefined, undefined, undefined, undefined]);
  });
});
