// QueueExecutor under faults, on a real redis-server and real worker processes: a worker
// killed mid-job, a capped event stream that drops completions, cancel racing with the
// window, Redis killed and restarted empty, and Redis gone for good.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { Redis } from "ioredis";
import { wait, type Future } from "../src/index.ts";
import {
  BrokenQueueExecutor,
  QueueExecutor,
  QueueUnavailableError,
  WorkerLostError,
  type QueueExecutorOptions,
} from "../src/queue-executor/index.ts";
import { exitProcess, identity, sleep, traceRun } from "./fixtures/tasks.ts";
import { startWorker } from "./helpers/queue-worker.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const emptyRedisExit = fileURLToPath(new URL("./fixtures/empty-redis-exit.ts", import.meta.url));

let redis: RedisServer;
let folder: string;
const started: ChildProcess[] = [];

async function workers(queue: string, count: number, executor = "processes", concurrency = 2) {
  const children = await Promise.all(
    Array.from({ length: count }, () => startWorker(redis.url, queue, executor, concurrency)),
  );
  started.push(...children);
  return children;
}

function executor(queue: string, options: Partial<QueueExecutorOptions> = {}): QueueExecutor {
  return new QueueExecutor({ queue, connection: redis.url, reconcileInterval: 300, ...options });
}

/**
 * How many times each traced task ran, by name, and on which worker processes. A trace's file
 * exists a moment before its line is written: a task counts once its line is there.
 */
function runs(): Map<string, number[]> {
  const traces = new Map<string, number[]>();
  for (const name of readdirSync(folder)) {
    const pids = readFileSync(path.join(folder, name), "utf8").split("\n").filter(Boolean).map(Number);
    if (pids.length > 0) traces.set(name, pids);
  }
  return traces;
}

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  redis = await startRedis();
});

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "futures-faults-"));
});

afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
  rmSync(folder, { recursive: true, force: true });
});

after(async () => {
  await redis.stop();
});

describe("QueueExecutor faults", () => {
  for (const delivery of ["at-most-once", "at-least-once"] as const) {
    it(`a worker killed mid-job: ${delivery}`, { timeout: 60_000 }, async () => {
      const queue = `killed-${delivery}`;
      const [victim, survivor] = await workers(queue, 2);
      await using pool = executor(queue, { window: 4, delivery });
      const futures = Array.from({ length: 4 }, (_, i) => pool.submit(traceRun, folder, `job${i}`, 2500));
      await until(() => runs().size === 4, "all four jobs run");
      const onVictim = [...runs()].filter(([, pids]) => pids[0] === victim!.pid).map(([name]) => name);
      assert.ok(onVictim.length > 0, "the victim holds a job");
      victim!.kill("SIGKILL");
      const { notDone } = await wait(futures, { timeout: 30_000 });
      assert.equal(notDone.size, 0, "every future settled");
      const traces = runs();
      for (const [i, future] of futures.entries()) {
        const name = `job${i}`;
        const ranOnVictim = onVictim.includes(name);
        if (!ranOnVictim) {
          assert.equal(await future.result(), survivor!.pid);
          assert.deepEqual(traces.get(name), [survivor!.pid]);
        } else if (delivery === "at-most-once") {
          const error = await future.exception();
          assert.ok(error instanceof WorkerLostError, String(error));
          assert.match((error as Error).message, /not run again \(at-most-once\)/);
          assert.deepEqual(traces.get(name), [victim!.pid], "never run a second time");
        } else {
          assert.equal(await future.result(), survivor!.pid);
          assert.deepEqual(traces.get(name), [victim!.pid, survivor!.pid], "run again once, elsewhere");
        }
      }
    });
  }

  for (const delivery of ["at-most-once", "at-least-once"] as const) {
    it(`the only worker killed mid-job: ${delivery}`, { timeout: 60_000 }, async () => {
      const queue = `alone-${delivery}`;
      const [victim] = await workers(queue, 1);
      await using pool = executor(queue, { window: 4, delivery, reconcileInterval: 1000 });
      const futures = [0, 1].map((i) => pool.submit(traceRun, folder, `job${i}`, 4000));
      await until(() => runs().size === 2, "both jobs run");
      victim!.kill("SIGKILL");
      const client = new Redis(redis.url);
      try {
        if (delivery === "at-most-once") {
          // No worker is left to run BullMQ's stall check: the producer finds the jobs itself.
          const { notDone } = await wait(futures, { timeout: 12_000 });
          assert.equal(notDone.size, 0, "both futures failed within 12 s of the kill");
          for (const future of futures) {
            const error = await future.exception();
            assert.ok(error instanceof WorkerLostError, String(error));
          }
          assert.equal(await client.llen(`bull:${queue}:active`), 0, "nothing left active");
          assert.equal(await client.llen(`bull:${queue}:wait`), 0, "nothing left to run later");
          await workers(queue, 1);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          for (const name of ["job0", "job1"])
            assert.deepEqual(runs().get(name), [victim!.pid], "a worker started later never runs it");
        } else {
          // Sent again, once, to wait for a worker: the old jobs are gone from Redis.
          const deadline = Date.now() + 12_000;
          while ((await client.llen(`bull:${queue}:wait`)) < 2 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          assert.equal(await client.llen(`bull:${queue}:wait`), 2, "both sent again within 12 s");
          assert.equal(await client.llen(`bull:${queue}:active`), 0);
          assert.ok(futures.every((future) => future.running()));
          const [next] = await workers(queue, 1);
          const { notDone } = await wait(futures, { timeout: 20_000 });
          assert.equal(notDone.size, 0);
          for (const [i, future] of futures.entries()) {
            assert.equal(await future.result(), next!.pid);
            assert.deepEqual(runs().get(`job${i}`), [victim!.pid, next!.pid], "run again once");
          }
        }
      } finally {
        client.disconnect();
      }
    });
  }

  it(
    "an event stream capped at 100 over 5,000 jobs: every future settles once with its own result",
    { timeout: 120_000 },
    async () => {
      const queue = "capped";
      await workers(queue, 2, "async", 32);
      await using pool = executor(queue, { maxEvents: 100 });
      const settled = new Array<number>(5000).fill(0);
      const futures = Array.from({ length: 5000 }, (_, i) => {
        const future = pool.submit(identity, i);
        future.addDoneCallback(() => settled[i]!++);
        return future;
      });
      const { notDone } = await wait(futures, { timeout: 100_000 });
      assert.equal(notDone.size, 0);
      for (const [i, future] of futures.entries()) assert.equal(await future.result(), i);
      assert.ok(settled.every((count) => count === 1));
      // The cap did drop events: Redis deleted entries of the stream.
      const client = new Redis(redis.url);
      const info = (await client.call("XINFO", "STREAM", `bull:${queue}:events`)) as unknown[];
      client.disconnect();
      const field = (name: string) => Number(info[info.indexOf(name) + 1]);
      assert.ok(field("entries-added") > field("length") + 5000, "the stream dropped events");
    },
  );

  it(
    "a window of 20,000 jobs whose events were dropped: the reconciler reads them all back",
    { timeout: 180_000 },
    async () => {
      const queue = "wide";
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on("warning", onWarning);
      try {
        // The worker's own lock times: no worker dies here, and 2 s locks on 64 jobs at once
        // could lapse on a loaded machine.
        started.push(await startWorker(redis.url, queue, "async", 64, undefined, true));
        // Almost no events: the outcomes come from the reconciler's reading of the jobs'
        // states, 20,000 outstanding at once (once 80,000 arguments to one script).
        await using pool = executor(queue, { maxEvents: 10, window: 20_000, reconcileInterval: 1000 });
        const futures = Array.from({ length: 20_000 }, (_, i) => pool.submit(identity, i));
        const { notDone } = await wait(futures, { timeout: 150_000 });
        assert.equal(notDone.size, 0);
        for (const [i, future] of futures.entries()) assert.equal(await future.result(), i);
        assert.deepEqual(
          warnings.map(String).filter((text) => text.includes("check of its jobs")),
          [],
        );
      } finally {
        process.off("warning", onWarning);
      }
    },
  );

  it(
    "cancel races with the window and shutdown: a cancelled task never runs, the others run once",
    { timeout: 60_000 },
    async () => {
      const queue = "races";
      await workers(queue, 2, "async", 4);
      const pool = executor(queue, { window: 4 });
      const futures: Future<number>[] = [];
      const timers: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) {
        const future = pool.submit(traceRun, folder, `c${i}`, 2);
        futures.push(future);
        if (i % 3 === 0) future.cancel();
        else if (i % 3 === 1) {
          timers.push(
            new Promise((resolve) => setTimeout(() => resolve(void future.cancel()), (i * 7) % 40)),
          );
        }
      }
      await Promise.all(timers);
      await pool.shutdown({ cancelFutures: true });
      const traces = runs();
      let ran = 0;
      for (const [i, future] of futures.entries()) {
        assert.ok(future.done());
        if (future.cancelled()) assert.equal(traces.has(`c${i}`), false, `c${i} was cancelled yet ran`);
        else {
          ran++;
          assert.equal(traces.get(`c${i}`)?.length, 1, `c${i} ran once`);
          assert.equal(typeof (await future.result()), "number");
        }
      }
      assert.ok(ran >= 4 && ran < 300, `${ran} ran`);
    },
  );

  for (const kind of ["processes", "threads"]) {
    it(`a task that ends its ${kind} worker fails its own job; the next jobs run on a new pool`, async () => {
      const queue = `broken-${kind}`;
      const [worker] = await workers(queue, 1, kind, 2);
      let output = "";
      worker!.stdout!.on("data", (text: string) => (output += text));
      await using pool = executor(queue);
      await assert.rejects(
        pool.submit(exitProcess, 3).result({ timeout: 20_000 }),
        /terminated abruptly|exit code 3/,
      );
      const after = Array.from({ length: 4 }, (_, i) => pool.submit(identity, i));
      assert.deepEqual(await Promise.all(after.map((f) => f.result({ timeout: 20_000 }))), [0, 1, 2, 3]);
      assert.match(output, /warning: a task broke the local pool .*a new pool takes the next ones/);
    });
  }

  it(
    "Redis killed mid-run and restarted empty: outstanding futures break at once, workers go on",
    { timeout: 60_000 },
    async () => {
      const queue = "restart";
      await workers(queue, 2);
      const pool = executor(queue, { window: 4, connectionTimeout: 60_000 });
      const futures = Array.from({ length: 6 }, () => pool.submit(sleep, 3000));
      await until(() => futures.filter((f) => f.running()).length === 4, "four jobs in Redis");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await redis.restart();
      const { notDone } = await wait(futures, { timeout: 15_000 });
      assert.equal(notDone.size, 0, "broken well before the 60 s connection timeout");
      for (const future of futures) {
        const error = await future.exception();
        assert.ok(error instanceof BrokenQueueExecutor, String(error));
        assert.match((error as Error).message, /came back empty/);
      }
      assert.throws(() => pool.submit(sleep, 1), BrokenQueueExecutor);
      await pool.shutdown();
      // The workers reconnected and announced themselves again: a new executor is served.
      await using fresh = executor(queue);
      assert.equal(await fresh.submit(identity, "after").result({ timeout: 20_000 }), "after");
    },
  );

  for (const shutdown of [true, false]) {
    it(
      `a program whose executor broke on a Redis that came back empty ends on its own, ${shutdown ? "after" : "without"} shutdown()`,
      { timeout: 60_000 },
      async () => {
        const queue = `restart-exit-${shutdown}`;
        const args = [emptyRedisExit, redis.url, queue, ...(shutdown ? [] : ["no-shutdown"])];
        const child = spawn(process.execPath, [...process.execArgv, ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        started.push(child);
        let output = "";
        let errors = "";
        child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
        child.stderr!.setEncoding("utf8").on("data", (text: string) => (errors += text));
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        const client = new Redis(redis.url);
        try {
          const wait = `bull:${queue}:wait`;
          for (let deadline = Date.now() + 20_000; (await client.llen(wait)) < 2;) {
            if (Date.now() > deadline) throw new Error(`its jobs never reached Redis:\n${output}${errors}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } finally {
          client.disconnect();
        }
        await redis.restart();
        await until(() => output.includes("BrokenQueueExecutor"), "it broke", 20_000);
        // A bound for a hang, not a timing: BullMQ's event reader used to keep the program
        // alive for about 11 s after the break, on a read Redis never answered.
        let hang: NodeJS.Timeout | undefined;
        const alive = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => (hang = setTimeout(resolve, 8_000, true))),
        ]);
        clearTimeout(hang);
        assert.equal(alive, false, `still alive 8 s after it broke:\n${output}${errors}`);
        assert.equal(child.exitCode, 0, errors);
        assert.match(output, /^BrokenQueueExecutor: Redis at .* came back empty: 2 jobs in it were lost$/m);
        assert.equal(output.includes("shut down"), shutdown);
      },
    );
  }

  it(
    "Redis gone: a submit fails fast, outstanding futures break after connectionTimeout",
    { timeout: 60_000 },
    async () => {
      const queue = "gone";
      await workers(queue, 1);
      const pool = executor(queue, { window: 2, connectionTimeout: 1500 });
      const futures = [pool.submit(sleep, 5000), pool.submit(sleep, 5000), pool.submit(sleep, 5000)];
      await until(() => futures.filter((f) => f.running()).length === 2, "two jobs in Redis");
      await redis.kill();
      await until(() => {
        try {
          pool.submit(sleep, 1).cancel();
          return false;
        } catch (error) {
          return error instanceof QueueUnavailableError;
        }
      }, "submit refuses at once");
      const { notDone } = await wait(futures, { timeout: 10_000 });
      assert.equal(notDone.size, 0);
      for (const future of futures) {
        const error = await future.exception();
        assert.ok(error instanceof BrokenQueueExecutor, String(error));
        assert.match((error as Error).message, /unreachable for 1\.5 s/);
      }
      await pool.shutdown();
      await redis.restart(); // for whatever runs after
    },
  );

  it(
    "a program whose executor broke on an unreachable Redis ends without shutdown()",
    { timeout: 30_000 },
    () => {
      const index = new URL("../src/queue-executor/index.ts", import.meta.url).href;
      const program = [
        `import { QueueExecutor } from ${JSON.stringify(index)};`,
        // Port 1: nothing listens there. No shutdown(): the broken executor must let go of Redis.
        'const pool = new QueueExecutor({ queue: "nowhere", connection: "redis://127.0.0.1:1", connectionTimeout: 500 });',
        "pool.waitUntilReady().catch((error) => console.log(error.name));",
      ].join("\n");
      const run = spawnSync(process.execPath, [...process.execArgv, "--input-type=module", "-e", program], {
        encoding: "utf8",
        timeout: 20_000,
      });
      assert.equal(run.signal, null, "it had to be killed: still alive after 20 s");
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), "BrokenQueueExecutor");
    },
  );
});
