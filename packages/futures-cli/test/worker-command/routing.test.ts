// Routing by queue: a producer sends a call to a group of workers by submitting to that
// group's queue, and one `futures worker` can serve several queues on one pool. Real
// redis-server, real worker processes, QueueExecutors as producers.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { QueueExecutor } from "concurrent-futures/queue";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { runCli, stderrUntil } from "../helpers/cli.ts";
import { TASKS, spawnWorkerCli } from "../helpers/worker-cli.ts";
import { whereAmI } from "../fixtures/tasks.mjs";

let redis: RedisServer;
let client: Redis;

/** Workers of this file still running: killed by pid at the end, should a test fail midway. */
const started = new Set<ChildProcess>();

before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

after(async () => {
  for (const worker of started) worker.kill("SIGKILL");
  client.disconnect();
  await redis.stop();
});

/** `futures worker` on the test's Redis with the fixture tasks; resolves once it has started. */
async function startWorker(queues: string[], ...options: string[]): Promise<ChildProcess> {
  const worker = spawnWorkerCli(started, redis.url, queues, ...options);
  await stderrUntil(worker, /Ctrl-C to stop/);
  return worker;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Until `queue` has `count` active jobs, for at most 20 s. */
async function activeReaches(queue: string, count: number): Promise<void> {
  for (let i = 0; i < 400 && (await client.llen(`bull:${queue}:active`)) !== count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(await client.llen(`bull:${queue}:active`), count);
}

describe("futures worker on several queues", { timeout: 60_000 }, () => {
  it("refuses an empty or a repeated queue name with one line and exit status 2", async () => {
    const run = (...queue: string[]) => runCli(["worker", "--queue", ...queue, "--import", TASKS]);
    const [repeated, empty] = await Promise.all([run("a,b", "a"), run("a,")]);
    assert.equal(repeated.code, 2);
    assert.match(repeated.stderr, /^futures worker: error: --queue names 'a' twice\n/);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^futures worker: error: --queue must be a name without ':', got ''\n/);
    for (const bad of [repeated, empty]) assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
  });

  it("a call for queue b never runs on a worker of queue a only, and the other way round", async () => {
    // A and B serve one queue each; C serves both, on one pool of threads (in its own process).
    const [a, b, both] = await Promise.all([
      startWorker(["a"], "--executor", "async"),
      startWorker(["b"], "--executor", "async"),
      startWorker(["a", "b"], "--executor", "threads", "--concurrency", "2"),
    ]);
    try {
      await using toA = new QueueExecutor({ queue: "a", connection: redis.url });
      await using toB = new QueueExecutor({ queue: "b", connection: redis.url });
      const calls = (pool: QueueExecutor) =>
        Promise.all(Array.from({ length: 24 }, (_, i) => pool.submit(whereAmI, i % 3)));
      const [ranA, ranB] = await Promise.all([calls(toA), calls(toB)]);
      for (const { pid } of ranA) assert.ok(pid === a.pid || pid === both.pid, `a's call ran on ${pid}`);
      for (const { pid } of ranB) assert.ok(pid === b.pid || pid === both.pid, `b's call ran on ${pid}`);
    } finally {
      for (const worker of [a, b, both]) worker.kill("SIGTERM");
      assert.deepEqual(await Promise.all([a, b, both].map(exited)), [143, 143, 143]);
    }
  });

  it("Ctrl-C on a worker of two queues finishes its running jobs of both", async () => {
    const worker = await startWorker(["a", "b"], "--executor", "threads", "--concurrency", "2");
    const exit = exited(worker);
    await using toA = new QueueExecutor({ queue: "a", connection: redis.url });
    await using toB = new QueueExecutor({ queue: "b", connection: redis.url });
    const running = [toA.submit(whereAmI, 1500), toB.submit(whereAmI, 1500)];
    await Promise.all([activeReaches("a", 1), activeReaches("b", 1)]);
    const stopping = stderrUntil(worker, /stopped after/);
    worker.kill("SIGINT");
    const said = await stopping;
    // Counted by the worker as it took the jobs; Redis's active list may show them a moment before.
    assert.match(said, /SIGINT: finishing \d running jobs \(a: \d, b: \d\), taking no new ones/);
    for (const future of running) assert.equal((await future).pid, worker.pid, "finished, not handed back");
    assert.match(said, /stopped after 2 jobs done, 0 failed \(a: 1, b: 1\)\n/);
    assert.equal(await exit, 130);
  });
});
