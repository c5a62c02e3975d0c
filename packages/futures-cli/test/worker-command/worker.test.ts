// `futures worker` as a user runs it: a real redis-server, the command in a child process,
// a QueueExecutor as the producer.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { QueueExecutor } from "concurrent-futures/queue";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { PACKAGE_DIR, runCli, spawnCli, stderrUntil } from "../helpers/cli.ts";
import { TASKS, spawnWorkerCli } from "../helpers/worker-cli.ts";
import { freePort } from "../helpers/net.ts";
import { fail, hang, strayRejection, whereAmI } from "../fixtures/tasks.mjs";

let redis: RedisServer;

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const worker of started) worker.kill("SIGKILL");
  await redis.stop();
});

/** Workers of this file still running: killed by pid at the end, should a test fail midway. */
const started = new Set<ChildProcess>();

/** `futures worker` on the test's Redis, taking `queue`'s jobs with the fixture tasks. */
function spawnWorker(queue: string, ...options: string[]): ChildProcess {
  const worker = spawnWorkerCli(started, redis.url, [queue], ...options);
  return worker;
}

/** The exit status, once the child's output is all read too ("exit" may come before its last lines). */
function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("close", (code) => resolve(code)));
}

describe("futures worker", { timeout: 300_000 }, () => {
  it("rejects bad options with one line and exit status 2", async () => {
    const bad = await runCli(["worker", "--queue", "q", "--import", TASKS, "--executor", "fibers"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--executor must be one of processes, threads, async, got 'fibers'/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
    // A pool of that many processes is a typo, refused as the CPU commands refuse it.
    const tooMany = await runCli(["worker", "--queue", "q", "--import", TASKS, "--concurrency", "10000"]);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /--concurrency must be .*10000/);
    const missing = await runCli(["worker", "--queue", "q"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--import/);
    const nothing = await runCli([
      "worker",
      "--queue",
      "q",
      "--import",
      "./no/such/module.js",
      "--connection",
      redis.url,
    ]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /futures worker: error: cannot start: /);
    const portZero = await runCli([
      "worker",
      "--queue",
      "q",
      "--import",
      TASKS,
      "--connection",
      "redis://127.0.0.1:0",
    ]);
    assert.equal(portZero.code, 2);
    assert.match(
      portZero.stderr,
      /^futures worker: error: --connection: bad host or port in redis:\/\/127\.0\.0\.1:0 \(expected HOST:PORT, with a port from 1 to 65535\)\n/,
    );
  });

  it("names the module that cannot be imported, in one line", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "futures-worker-imports-"));
    try {
      writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
      writeFileSync(path.join(dir, "syntax.js"), "export const x = ;\n");
      writeFileSync(path.join(dir, "throws.js"), 'throw new Error("module exploded on import");\n');
      writeFileSync(path.join(dir, "never.js"), "await new Promise(() => {});\nexport {};\n");
      const start = (module: string) =>
        runCli(["worker", "--queue", "q", "--import", TASKS, module, "--connection", redis.url]);
      const [syntax, throws, never, empty] = await Promise.all([
        start(path.join(dir, "syntax.js")),
        start(path.join(dir, "throws.js")),
        start(path.join(dir, "never.js")),
        start(""),
      ]);
      for (const [run, name] of [
        [syntax, "syntax.js"],
        [throws, "throws.js"],
      ] as const) {
        assert.equal(run.code, 2, run.stderr);
        const first = run.stderr.split("\n")[0]!;
        assert.ok(
          first.startsWith(`futures worker: error: cannot start: cannot import ${path.join(dir, name)}: `),
          first,
        );
      }
      assert.match(syntax.stderr, /: cannot import .*syntax\.js: .*Unexpected/);
      assert.match(throws.stderr, /: cannot import .*throws\.js: module exploded on import\n/);
      assert.equal(never.code, 13, "Node's status for a top-level await that never settles");
      assert.equal(
        never.stderr,
        `futures worker: cannot start: importing ${path.join(dir, "never.js")} never finished (a top-level await that never settles?)\n`,
      );
      assert.equal(empty.code, 2);
      assert.match(
        empty.stderr,
        /^futures worker: error: --import must name a module \(a path or a package\), got ''\n/,
      );
      for (const run of [syntax, throws, never, empty]) assert.doesNotMatch(run.stderr, /\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says it cannot reach Redis, and gives up after a bounded wait when Redis never answers", async () => {
    // A port that refuses, and one that accepts connections and never replies.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const refusedPort = await freePort();
      const run = (port: number) =>
        runCli(["worker", "--queue", "q", "--import", TASKS, "--connection", `redis://127.0.0.1:${port}`]);
      const [refused, mute] = await Promise.all([run(refusedPort), run(silentPort)]);
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        new RegExp(
          `^futures worker: cannot reach Redis at 127\\.0\\.0\\.1:${refusedPort} \\(.*ECONNREFUSED.*\\); still trying\n`,
        ),
      );
      assert.doesNotMatch(refused.stderr, /lost Redis/);
      assert.equal(mute.code, 1);
      assert.equal(
        mute.stderr,
        `futures worker: cannot reach Redis at 127.0.0.1:${silentPort} in 10 s; giving up\n`,
      );
    } finally {
      silent.close();
    }
  });

  it("an async task's stray rejected promise is a warning; its job and the worker go on; the tally is true", async () => {
    const worker = spawnWorker("stray", "--executor", "async");
    const exit = exited(worker);
    let transcript = "";
    worker.stderr!.on("data", (chunk: Buffer) => (transcript += chunk.toString()));
    await stderrUntil(worker, /Ctrl-C to stop/);
    await using pool = new QueueExecutor({ queue: "stray", connection: redis.url });
    assert.equal(await pool.submit(strayRejection), 1);
    assert.equal(((await pool.submit(fail).exception()) as Error).message, "this task fails");
    assert.equal((await pool.submit(whereAmI)).pid, worker.pid, "the same worker process");
    const stopped = stderrUntil(worker, /stopped after/);
    worker.kill("SIGTERM");
    await stopped;
    assert.equal(await exit, 143);
    assert.equal(
      transcript.match(/warning: a task left a promise rejected: left behind\n/g)?.length,
      1,
      transcript,
    );
    assert.match(transcript, /stopped after 3 jobs done, 1 failed\n/);
    assert.match(
      transcript,
      /job fx-\S+ failed: Error: this task fails\n/,
      "why the job failed, with its id",
    );
    assert.doesNotMatch(transcript, /\n\s+at /);
  });

  it("a second Ctrl-C exits soon even with an async task that never ends; its job fails as lost", async () => {
    const worker = spawnWorker("async-hang", "--executor", "async");
    const exit = exited(worker);
    await stderrUntil(worker, /Ctrl-C to stop/);
    await using pool = new QueueExecutor({ queue: "async-hang", connection: redis.url });
    const running = pool.submit(hang);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const first = stderrUntil(worker, /finishing 1 running jobs/);
    worker.kill("SIGINT");
    await first;
    const second = stderrUntil(worker, /stopped after/);
    const signalled = performance.now();
    worker.kill("SIGINT");
    const said = await second;
    assert.match(
      said,
      /SIGINT again: handing back jobs not started; running async tasks cannot be stopped, so the worker exits in 2 s; their jobs fail as a dead worker's do \(WorkerLostError\)/,
    );
    assert.equal(await exit, 130);
    assert.ok(performance.now() - signalled < 5_000, "no third Ctrl-C needed");
    // The next worker on the queue finds the job's lock expired, as a dead worker's.
    const next = spawnWorker("async-hang", "--executor", "async");
    const nextExit = exited(next);
    // Its start line means it handles SIGTERM: a signal before that would kill it outright.
    const nextReady = stderrUntil(next, /Ctrl-C to stop/);
    const error = (await running.exception()) as Error;
    assert.equal(error.name, "WorkerLostError", String(error));
    await nextReady;
    next.kill("SIGTERM");
    assert.equal(await nextExit, 143);
  });

  it("runs a producer's jobs, says so, and finishes running jobs on Ctrl-C", async () => {
    const worker = spawnWorker("cli", "--concurrency", "2");
    const exit = exited(worker);
    // The start line and the warning after it may come in one chunk or two: wait for both.
    const start = await stderrUntil(worker, /can run its tasks with any arguments\n/);
    assert.match(
      start,
      /futures worker: queue cli on Redis 127\.0\.0\.1:\d+: 4 tasks, 2 at once on processes, any job: no key \(Ctrl-C to stop\)\nfutures worker: warning: no key \(--key-file or \$FUTURES_QUEUE_KEY\): anyone who can write to this Redis can run its tasks with any arguments\n/,
    );
    await using pool = new QueueExecutor({ queue: "cli", connection: redis.url });
    const where = await pool.submit(whereAmI);
    assert.notEqual(where.pid, process.pid);
    assert.notEqual(where.pid, worker.pid, "in a child process of the worker");
    const running = pool.submit(whereAmI, 3000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopping = stderrUntil(worker, /stopped after/);
    worker.kill("SIGINT");
    const said = await stopping;
    assert.match(said, /SIGINT: finishing 1 running jobs, taking no new ones/);
    assert.equal((await running).pid > 0, true, "the running job finished");
    assert.match(said, /stopped after 2 jobs done, 0 failed/);
    assert.equal(await exit, 130);
  });

  it("a second Ctrl-C ends running tasks, whose futures fail with a clear error", async () => {
    const worker = spawnWorker("handback", "--concurrency", "2");
    const exit = exited(worker);
    await stderrUntil(worker, /Ctrl-C to stop/);
    await using pool = new QueueExecutor({ queue: "handback", connection: redis.url });
    const running = [pool.submit(whereAmI, 60_000), pool.submit(whereAmI, 60_000)];
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const started = performance.now();
    const first = stderrUntil(worker, /finishing 2 running jobs/);
    worker.kill("SIGINT");
    await first;
    const second = stderrUntil(worker, /stopped after/);
    worker.kill("SIGINT");
    const said = await second;
    assert.match(said, /SIGINT again: handing back jobs not started, ending running tasks/);
    for (const future of running) {
      const error = (await future.exception()) as Error;
      assert.equal(error.name, "AbortError", String(error));
      assert.match(error.message, /the worker was stopped while running this task/);
    }
    assert.equal(await exit, 130);
    assert.ok(performance.now() - started < 30_000, "the 60 s tasks were ended, not waited for");
  });

  it("serves futures flags -x queue and futures primes -x queue with two workers", async () => {
    const start = () =>
      spawnCli([
        "worker",
        "--queue",
        "apps",
        "--import",
        "flags",
        "cpu",
        "--connection",
        redis.url,
        "--concurrency",
        "2",
      ]);
    const workers = [start(), start()];
    const exits = workers.map(exited);
    await Promise.all(workers.map((worker) => stderrUntil(worker, /5 tasks, 2 at once on processes/)));
    const dest = mkdtempSync(path.join(os.tmpdir(), "futures-queue-flags-"));
    try {
      const flags = await runCli(
        [
          "flags",
          "-x",
          "queue",
          "--connection",
          redis.url,
          "--queue",
          "apps",
          "-d",
          dest,
          "--no-progress",
          "-l",
          "8",
        ],
        PACKAGE_DIR,
        60_000,
        { FUTURES_LOCAL_PORT: String(await freePort()) },
      );
      assert.equal(flags.code, 0, flags.stderr);
      assert.match(flags.stdout, /8 flags downloaded\./);
      assert.equal(readdirSync(dest).filter((name) => name.endsWith(".gif")).length, 8);
      const primes = await runCli(["primes", "-x", "queue", "--connection", redis.url, "--queue", "apps"]);
      assert.equal(primes.code, 0, primes.stderr);
      assert.match(primes.stdout, /7777777777777753 {2}P/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
      for (const worker of workers) worker.kill("SIGTERM");
      await Promise.all(exits);
    }
  });

  it("says when it loses Redis, when it is back, and that a running job was lost with its data", async () => {
    const worker = spawnWorker("lost", "--executor", "async");
    const exit = exited(worker);
    let transcript = "";
    worker.stderr!.on("data", (chunk: Buffer) => (transcript += chunk.toString()));
    await stderrUntil(worker, /Ctrl-C to stop/);
    const producer = new QueueExecutor({ queue: "lost", connection: redis.url });
    const lostJob = producer.submit(whereAmI, 1500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lost = stderrUntil(worker, /lost Redis at 127\.0\.0\.1:\d+ \(.*\); reconnecting/);
    await redis.kill();
    await lost;
    const back = stderrUntil(worker, /reconnected to Redis/);
    await redis.restart();
    await stderrUntil(
      worker,
      /warning: Missing key for job fx-[0-9a-f]+-1\. moveToFinished \(the job is no longer in Redis: restarted empty or flushed, or taken back by its producer after this worker's lock lapsed\)/,
    );
    await back;
    assert.equal(transcript.match(/lost Redis/g)?.length, 1, transcript);
    assert.equal(
      transcript.match(/warning: (?!no key)/g)?.length,
      1,
      `one line per lost job:\n${transcript}`,
    );
    assert.equal(((await lostJob.exception()) as Error).name, "BrokenQueueExecutor");
    await producer.shutdown({ wait: false });
    await using pool = new QueueExecutor({ queue: "lost", connection: redis.url });
    assert.equal((await pool.submit(whereAmI)).pid, worker.pid, "async runs in the worker itself");
    worker.kill("SIGTERM");
    assert.equal(await exit, 143);
  });

  it("stops on one Ctrl-C when Redis is gone for good, with no error of ioredis's own", async () => {
    // The default executor, processes, as a user runs it.
    const worker = spawnWorker("gone");
    let stderr = "";
    worker.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = exited(worker);
    await stderrUntil(worker, /Ctrl-C to stop/);
    // Jobs first: BullMQ's connections then have work of their own in flight as Redis goes.
    const producer = new QueueExecutor({ queue: "gone", connection: redis.url });
    for (let i = 0; i < 3; i++) await producer.submit(whereAmI);
    await producer.shutdown();
    const lost = stderrUntil(worker, /lost Redis/);
    await redis.kill();
    try {
      await lost;
      // Long enough for ioredis to try (and fail) to reconnect a few times.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const signalled = performance.now();
      worker.kill("SIGTERM");
      assert.equal(await exit, 143);
      assert.ok(performance.now() - signalled < 15_000, "it did not wait for Redis to come back");
      assert.doesNotMatch(stderr, /\[ioredis\]|Unhandled|\n\s+at /, stderr);
    } finally {
      await redis.restart();
    }
  });
});
