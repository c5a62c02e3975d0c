// `futures status` as a user runs it: a real redis-server, real `futures worker` processes,
// jobs put in Redis by the test; the report, its JSON and its exit statuses.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { queueStatus, type QueueStatus } from "concurrent-futures/queue";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { runCli, stderrUntil } from "../helpers/cli.ts";
import { spawnWorkerCli } from "../helpers/worker-cli.ts";
import { freePort } from "../helpers/net.ts";

let redis: RedisServer;
/** Workers of this file still running: killed by pid at the end, should a test fail midway. */
const started = new Set<ChildProcess>();

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const worker of started) worker.kill("SIGKILL");
  await redis.stop();
});

async function startWorker(queue: string): Promise<ChildProcess> {
  const worker = spawnWorkerCli(started, redis.url, [queue], "--executor", "async", "--concurrency", "1");
  await stderrUntil(worker, /Ctrl-C to stop/);
  return worker;
}

function status(queue: string, ...options: string[]) {
  return runCli(["status", "--queue", queue, "--connection", redis.url, ...options]);
}

describe("futures status", { timeout: 90_000 }, () => {
  it("reports workers and counts, and the worker killed as silent, with exit status 1", async () => {
    const name = "watched";
    const [first, second] = await Promise.all([startWorker(name), startWorker(name)]);
    const healthy = await status(name);
    assert.equal(healthy.code, 0, healthy.stderr);
    assert.match(healthy.stdout, /^queue 'watched' on Redis 127\.0\.0\.1:\d+\n\n/);
    assert.equal(healthy.lines.filter((line) => / live /.test(line)).length, 2, healthy.stdout);
    assert.match(healthy.stdout, /\nnothing needs attention\n$/);

    const queue = new Queue(name, { connection: { port: redis.port } });
    try {
      // Paused, the queue keeps its jobs where the test put them.
      await queue.pause();
      await queue.addBulk([1, 2, 3].map((n) => ({ name: "waits", data: { n } })));
      await queue.add("later", {}, { delay: 600_000 });
    } finally {
      await queue.close();
    }
    second!.kill("SIGKILL");
    // The liveness key lapses within 6 s of the last heartbeat.
    const deadline = Date.now() + 20_000;
    let seen: QueueStatus;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await queueStatus({ queue: name, connection: redis.url });
    } while (seen.silentWorkers.length === 0 && Date.now() < deadline);

    const [json, report] = await Promise.all([status(name, "--json"), status(name)]);
    assert.equal(json.code, 1, json.stderr);
    const parsed = JSON.parse(json.stdout) as QueueStatus;
    assert.deepEqual(parsed.counts, {
      waiting: 3,
      active: 0,
      delayed: 1,
      prioritized: 0,
      failed: 0,
      completed: 0,
    });
    assert.deepEqual(
      parsed.workers.map(({ pid, host, concurrency, executor }) => ({ pid, host, concurrency, executor })),
      [{ pid: first!.pid, host: hostname(), concurrency: 1, executor: "async" }],
    );
    assert.deepEqual(
      parsed.silentWorkers.map(({ pid }) => pid),
      [second!.pid],
    );
    const silent = parsed.silentWorkers[0]!;
    assert.equal(parsed.findings.length, 1, parsed.findings.join("\n"));
    assert.match(
      parsed.findings[0]!,
      new RegExp(
        `^worker ${silent.id} \\(${hostname()}, pid ${second!.pid}\\) silent for \\d+ s \\(dead or frozen\\)`,
      ),
    );

    assert.equal(report.code, 1, report.stderr);
    assert.equal(report.stderr, "");
    assert.match(
      report.stdout,
      new RegExp(`\\n${hostname()} +${first!.pid} +live +async +1 +0 +0 +\\d+ s ago\\n`),
    );
    assert.match(
      report.stdout,
      new RegExp(`\\n${hostname()} +${second!.pid} +silent +async +1 +0 +0 +\\d+ s ago\\n`),
    );
    assert.match(
      report.stdout,
      /\njobs: 3 waiting, 0 prioritized, 1 delayed, 0 active, 0 failed, 0 completed\n/,
    );
    assert.match(report.stdout, /\nthroughput: 0 jobs\/s over the last minute\n/);
    assert.match(report.stdout, /\nmemory: \d+\.\d MiB used, no maxmemory\n/);
    assert.match(
      report.stdout,
      new RegExp(
        `\\nattention: worker ${silent.id} \\(${hostname()}, pid ${second!.pid}\\) silent for \\d+ s`,
      ),
    );
  });

  it("shows a forged heartbeat escaped, and a worker of the previous release as live", async () => {
    const admin = new Redis(redis.port);
    try {
      const [seconds] = await admin.time();
      const base = "bull:forged:futures";
      const host = "box\x1b[1A\x1b[2K\rnothing needs attention\x1b]0;title\x07\x9b2J";
      const beat = { host, pid: 1, executor: "async\x1b[31m", concurrency: 1, running: 0 };
      const rest = { finishedLastMinute: 0, lockDuration: 30_000, startedAt: 0, at: 0 };
      await admin.set(`${base}:last-beat:w1`, JSON.stringify({ ...beat, ...rest }), "PX", 3_600_000);
      await admin.zadd(`${base}:seen`, Number(seconds) * 1000, "w1");
      await admin.set(`${base}:workers:w1`, "1", "PX", 60_000);
      // The previous release writes the concurrency hash and the liveness key only.
      await admin.hset("bull:older:futures:workers", "old", "3");
      await admin.set("bull:older:futures:workers:old", "1", "PX", 60_000);
    } finally {
      admin.disconnect();
    }
    const [forged, older] = await Promise.all([status("forged"), status("older")]);
    assert.equal(forged.code, 0, forged.stderr);
    // Nothing but line ends reaches the terminal from what Redis held.
    assert.doesNotMatch(forged.stdout, /[^\P{Cc}\n]/u);
    assert.match(
      forged.stdout,
      /\nbox\\x1b\[1A\\x1b\[2K\\x0dnothing needs attention\\x1b\]0;title\\x07\\x9b2J +1 +live /,
    );
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stdout, /\n\(no details: older worker\) +- +live +- +3 +- +- +-\n/);
    assert.match(older.stdout, /\nnothing needs attention\n$/);
  });

  it("says when no worker serves a queue, and one line when Redis cannot be read", async () => {
    const [empty, unreachable, badQueue, badTimeout, longTimeout] = await Promise.all([
      status("empty"),
      freePort().then((port) =>
        runCli([
          "status",
          "--queue",
          "q",
          "--connection",
          `redis://user:hunter2@127.0.0.1:${port}`,
          "--timeout",
          "1",
        ]),
      ),
      status("a:b"),
      status("q", "--timeout", "0"),
      // Past what setTimeout can wait: a usage error, not an instant failure.
      status("q", "--timeout", "3000000"),
    ]);
    assert.equal(empty.code, 1, empty.stderr);
    assert.match(empty.stdout, /\nno worker heard from in the last hour\n/);
    assert.match(empty.stdout, /\nattention: no live worker on queue 'empty' \(0 jobs wait\)/);

    assert.equal(unreachable.code, 3);
    assert.equal(unreachable.stdout, "");
    assert.match(
      unreachable.stderr,
      /^futures status: cannot read queue 'q': cannot reach Redis at 127\.0\.0\.1:\d+ in 1 s \(last error: .*ECONNREFUSED.*\)\n$/,
    );
    assert.doesNotMatch(unreachable.stderr, /hunter2/);

    assert.equal(badQueue.code, 2);
    assert.match(badQueue.stderr, /^futures status: error: --queue must be a name without ':', got 'a:b'\n/);
    assert.equal(badTimeout.code, 2);
    assert.match(
      badTimeout.stderr,
      /^futures status: error: --timeout must be a number of seconds more than 0 and at most 2147483, got '0'\n/,
    );
    assert.equal(longTimeout.code, 2);
    assert.match(
      longTimeout.stderr,
      /^futures status: error: --timeout must be .* at most 2147483, got '3000000'\n/,
    );
    assert.doesNotMatch(longTimeout.stderr, /TimeoutOverflowWarning|\n {4}at /);
  });
});
