// queueStatus against a real redis-server and real worker processes: the counts are what the
// test put in Redis, a worker killed with SIGKILL is reported silent, an empty queue and a full
// Redis are findings, and an unreachable Redis is one error within the timeout.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  QueueExecutor,
  QueueUnavailableError,
  queueStatus,
  type QueueStatus,
} from "../src/queue-executor/index.ts";
import { futuresKeys } from "../src/queue-executor/connection.ts";
import { announceWorker, withdrawWorker, type WorkerBeat } from "../src/queue-executor/worker-registry.ts";
import { add, hang } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { freePort } from "@futures/test-support/free-port";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let redis: RedisServer;
const started: ChildProcess[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis.stop();
});

/** The queue's status once `done` holds of it; the last one seen after `ms` otherwise. */
async function statusWhen(queue: string, done: (status: QueueStatus) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await queueStatus({ queue, connection: redis.url });
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function finished(workers: QueueStatus["workers"]): number {
  return workers.reduce((sum, worker) => sum + worker.finishedLastMinute, 0);
}

/** A heartbeat as a worker on `host` sends it at `at`. */
function beat(at: number, host = "box"): WorkerBeat {
  return {
    ...{ host, pid: 7, executor: "async", concurrency: 1, running: 0, finishedLastMinute: 0 },
    ...{ lockDuration: 30_000, startedAt: at, at },
  };
}

describe("queueStatus", { timeout: 90_000 }, () => {
  it("counts the jobs put in Redis, and reports the worker killed as silent", async () => {
    const name = "status";
    const queue = new Queue(name, { connection: { port: redis.port } });
    let executor: QueueExecutor | undefined;
    try {
      // BullMQ's failed jobs: thrown by a processor (futures' own failures complete, with the
      // error as their outcome).
      const thrower = new Worker(
        name,
        async () => {
          throw new Error("thrown on purpose");
        },
        { connection: { port: redis.port } },
      );
      await queue.addBulk([1, 2, 3].map((n) => ({ name: "throws", data: { n } })));
      await statusWhen(name, (status) => status.counts.failed === 3);
      await thrower.close();

      started.push(...(await Promise.all([1, 2, 3].map(() => startWorker(redis.url, name, "async", 1)))));
      const producer = new QueueExecutor({ queue: name, connection: redis.url });
      executor = producer;
      assert.deepEqual(await Promise.all([1, 2, 3, 4].map((n) => producer.submit(add, n, n))), [2, 4, 6, 8]);
      void producer.submit(hang).then(
        () => {},
        () => {},
      );
      // Each worker tells its finished jobs at its next heartbeat: all four told before a kill.
      const running = await statusWhen(
        name,
        (status) =>
          status.counts.active === 1 &&
          status.workers.some((worker) => worker.running === 1) &&
          finished(status.workers) === 4,
      );
      assert.equal(running.workers.length, 3, JSON.stringify(running));
      // Now nothing more is taken: waiting, prioritized and delayed jobs stay as they are.
      await queue.pause();
      await queue.addBulk([1, 2, 3, 4, 5].map((n) => ({ name: "waits", data: { n } })));
      await queue.add("first", {}, { priority: 1 });
      await queue.addBulk([1, 2].map((n) => ({ name: "later", data: { n }, opts: { delay: 600_000 } })));

      const idle = running.workers.find((worker) => worker.running === 0)!;
      const busy = running.workers.find((worker) => worker.running === 1)!;
      started.find((child) => child.pid === idle.pid)!.kill("SIGKILL");
      const status = await statusWhen(
        name,
        (s) => s.silentWorkers.length === 1 && s.counts.waiting === 5 && s.counts.completed === 0,
      );

      assert.deepEqual(status.counts, {
        waiting: 5,
        active: 1,
        delayed: 2,
        prioritized: 1,
        failed: 3,
        completed: 0,
      });
      assert.deepEqual(
        status.workers.map((worker) => worker.pid).sort(),
        running.workers
          .filter((worker) => worker !== idle)
          .map((worker) => worker.pid)
          .sort(),
      );
      assert.equal(status.workers.find((worker) => worker.pid === busy.pid)?.running, 1);
      const [silent] = status.silentWorkers;
      assert.equal(silent?.pid, idle.pid);
      assert.equal(silent.host, hostname());
      assert.equal(silent.concurrency, 1);
      assert.equal(silent.executor, "async");
      assert.ok(silent.sinceBeat >= 6_000 - 1_000, `silent for ${silent.sinceBeat} ms`);
      for (const worker of status.workers) assert.ok(worker.sinceBeat < 6_000, `${worker.sinceBeat} ms`);
      // Every finished call is counted by the worker that answered it; jobs/s counts the living.
      assert.equal(finished(status.workers) + finished(status.silentWorkers), 4);
      assert.equal(status.jobsPerSecond, Math.round((finished(status.workers) / 60) * 100) / 100);
      assert.deepEqual(status.findings, [
        `worker ${silent.id} (${hostname()}, pid ${idle.pid}) silent for ${Math.round(silent.sinceBeat / 1000)} s ` +
          `(dead or frozen); it held no job`,
      ]);
      assert.equal(status.unlistedWorkers, 0);
      assert.equal(status.memory?.policy, "noeviction");
      assert.ok(status.memory!.used > 0);
    } finally {
      // The hanging call ends with its worker's task, not with a shutdown that waits.
      await executor?.terminateWorkers();
      await queue.close();
    }
  });

  it("finds no live worker and a nearly full Redis; tells a refusal and an unreachable Redis", async () => {
    const empty = await queueStatus({ queue: "nobody", connection: redis.url });
    assert.deepEqual(empty.workers, []);
    assert.deepEqual(empty.findings, [
      "no live worker on queue 'nobody' (0 jobs wait): start a QueueWorker for it, or check the queue's name and prefix",
    ]);

    const admin = new Redis(redis.port);
    try {
      const used = Number(/used_memory:(\d+)/.exec(await admin.info("memory"))![1]);
      await admin.config("SET", "maxmemory", String(Math.ceil(used / 0.93)));
      await admin.config("SET", "maxmemory-policy", "allkeys-lru");
      const full = await queueStatus({ queue: "nobody", connection: redis.url });
      await admin.config("SET", "maxmemory", "0");
      await admin.config("SET", "maxmemory-policy", "noeviction");
      assert.equal(full.findings.length, 3, full.findings.join("\n"));
      assert.match(
        full.findings[1]!,
        /^Redis at 127\.0\.0\.1:\d+ uses (9\d|1\d\d)% of its maxmemory \(.* MiB of .* MiB\): when full it refuses new jobs$/,
      );
      assert.match(full.findings[2]!, /drops keys when full \(maxmemory-policy allkeys-lru\)/);

      // A user with the queue's permissions but not INFO's: memory unknown, the rest read.
      await admin.call(
        "ACL",
        ...["SETUSER", "queue-only", "reset", "on", ">pw", "~*", "&*", "+@read", "+@write", "+@scripting"],
        ...["+@connection", "+@pubsub", "+@transaction"],
      );
      const user = (password: string) => `redis://queue-only:${password}@127.0.0.1:${redis.port}`;
      const limited = await queueStatus({ queue: "nobody", connection: user("pw") });
      assert.equal(limited.memory, null);
      assert.equal(limited.findings.length, 1);
      // Nor TIME: a heartbeat still announces the worker, by the worker's clock.
      const worker = new Redis(user("pw"));
      try {
        const at = Date.now();
        await announceWorker(worker, futuresKeys("bull", "acl"), "w", { ...beat(at), at });
        const seen = await queueStatus({ queue: "acl", connection: user("pw") });
        assert.deepEqual(
          seen.workers.map(({ id }) => id),
          ["w"],
        );
      } finally {
        worker.disconnect();
      }
      await assert.rejects(
        queueStatus({ queue: "nobody", connection: user("wrong") }),
        (error) => error instanceof QueueUnavailableError && /refused us: WRONGPASS/.test(error.message),
      );
    } finally {
      admin.disconnect();
    }

    // A timeout setTimeout cannot wait is refused, not an instant failure.
    await assert.rejects(
      queueStatus({ queue: "q", connection: redis.url, timeout: 3_000_000_000 }),
      RangeError,
    );
    await assert.rejects(queueStatus({ queue: "q", timeout: "5" as unknown as number }), TypeError);

    const port = await freePort();
    await assert.rejects(
      queueStatus({ queue: "q", connection: `redis://127.0.0.1:${port}`, timeout: 1_000 }),
      (error) => {
        assert.ok(error instanceof QueueUnavailableError);
        assert.match(
          error.message,
          new RegExp(`^cannot reach Redis at 127\\.0\\.0\\.1:${port} in 1 s \\(last error: .*ECONNREFUSED`),
        );
        return true;
      },
    );
  });

  it("reads a forged registry within bounds, by Redis's clock, printable, with workers of an earlier release", async () => {
    const admin = new Redis(redis.port);
    const keys = futuresKeys("bull", "forged");
    try {
      const [seconds] = await admin.time();
      const redisNow = Number(seconds) * 1000;
      // A worker whose clock is two hours ahead neither scores itself ahead nor prunes the others.
      await announceWorker(admin, keys, "real", beat(Date.now(), "box\x1b[2K\x1b]0;all good\x07\u202e"));
      await announceWorker(admin, keys, "ahead", beat(Date.now() + 7_200_000));
      assert.notEqual(await admin.zscore(keys.seen, "real"), null);
      assert.ok(Number(await admin.zscore(keys.seen, "ahead")) < redisNow + 60_000);
      await withdrawWorker(admin, keys, "ahead");
      // Forged: complete workers scored in the future, and a 4 MB member scored now.
      for (const id of ["f1", "f2", "f3"]) {
        await announceWorker(admin, keys, id, beat(Date.now()));
        await admin.zadd(keys.seen, redisNow + 3_600_000, id);
      }
      await admin.zadd(keys.seen, redisNow, "x".repeat(4 * 2 ** 20));
      // A worker of the previous release: the hash and the liveness key only; and a dead one.
      await admin.hset(keys.workers, "old", "4", "gone", "2");
      await admin.set(`${keys.workers}:old`, "1", "PX", 60_000);

      const sent = async () => Number(/total_net_output_bytes:(\d+)/.exec(await admin.info("stats"))![1]);
      const before = await sent();
      const status = await queueStatus({ queue: "forged", connection: redis.url, maxWorkers: 2 });
      assert.ok((await sent()) - before < 2 ** 20, "the long member stayed in Redis");
      assert.deepEqual(
        status.workers.map(({ id, host }) => ({ id, host })),
        [{ id: "real", host: "box\\x1b[2K\\x1b]0;all good\\x07\\u202e" }],
      );
      assert.deepEqual(status.olderWorkers, [{ id: "old", concurrency: 4 }]);
      assert.equal(status.unlistedWorkers, 0);
      assert.deepEqual(status.findings, [
        "4 entries of key 'bull:forged:futures:seen' are not a worker's heartbeat " +
          "(3 scored after Redis's time, 1 with ids over 128 characters): something else wrote them",
      ]);

      // Keys of another type: reported, and the rest is read.
      await admin.set(keys.seen, "not a sorted set");
      const typed = await queueStatus({ queue: "forged", connection: redis.url });
      assert.deepEqual(
        typed.workers.map(({ id }) => id),
        [],
      );
      assert.deepEqual(typed.olderWorkers.map(({ id }) => id).sort(), ["f1", "f2", "f3", "old", "real"]);
      assert.deepEqual(typed.findings, [
        "key 'bull:forged:futures:seen' holds a string, not what futures keeps there: " +
          "something else wrote it, and the workers are listed without it",
      ]);
    } finally {
      admin.disconnect();
    }
  });
});
