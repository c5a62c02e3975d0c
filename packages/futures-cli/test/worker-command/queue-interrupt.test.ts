// Ctrl-C and SIGTERM on the producer side of `-x queue`, with no worker running: the command
// stops at once with its report and exit status, and withdraws its jobs from Redis, so that a
// worker started later does not run them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { finished, spawnCli } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";

let redis: RedisServer;
let client: Redis;

before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

after(async () => {
  client.disconnect();
  await redis.stop();
});

/** Until `count` jobs of `queue` wait in Redis, for at most 20 s. */
async function waitingReaches(queue: string, count: number): Promise<void> {
  for (let i = 0; i < 400 && (await client.llen(`bull:${queue}:wait`)) !== count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(await client.llen(`bull:${queue}:wait`), count);
}

async function nothingLeftIn(queue: string): Promise<void> {
  assert.equal(await client.llen(`bull:${queue}:wait`), 0, "the jobs were withdrawn");
  assert.deepEqual(await client.keys(`bull:${queue}:fx-*`), [], "no job left for a later worker");
}

describe("-x queue with no worker", { timeout: 60_000 }, () => {
  it("futures flags stops on the first Ctrl-C: report, exit 130, jobs withdrawn", async () => {
    const dest = mkdtempSync(path.join(os.tmpdir(), "futures-queue-interrupt-"));
    try {
      const child = spawnCli(
        ["flags", "-x", "queue", "--connection", redis.url, "--queue", "idle-flags"].concat([
          "-l",
          "3",
          "-d",
          dest,
          "--no-progress",
        ]),
        undefined,
        { FUTURES_LOCAL_PORT: String(await freePort()) },
      );
      const run = finished(child, 30_000);
      await waitingReaches("idle-flags", 3);
      const signalled = performance.now();
      child.kill("SIGINT");
      const { code, signal, stdout } = await run;
      assert.ok(performance.now() - signalled < 5000, "stopped promptly");
      assert.equal(signal, null, "ended by itself, not by a second signal");
      assert.equal(code, 130, stdout);
      assert.match(stdout, /^ *0 flags downloaded\.$/m);
      assert.match(stdout, /^ *3 cancelled\.$/m);
      await nothingLeftIn("idle-flags");
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it("futures primes stops on the first SIGTERM: one line, exit 143, jobs withdrawn", async () => {
    const child = spawnCli([
      "primes",
      "-x",
      "queue",
      "--connection",
      redis.url,
      "--queue",
      "idle-primes",
      "2",
    ]);
    const run = finished(child, 30_000);
    await waitingReaches("idle-primes", 2);
    const signalled = performance.now();
    child.kill("SIGTERM");
    const { code, signal, stderr } = await run;
    assert.ok(performance.now() - signalled < 5000, "stopped promptly");
    assert.equal(signal, null);
    assert.equal(code, 143, stderr);
    assert.match(
      stderr,
      /^futures primes: interrupted by SIGTERM; jobs no worker had taken were withdrawn$/m,
    );
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
    await nothingLeftIn("idle-primes");
  });
});
