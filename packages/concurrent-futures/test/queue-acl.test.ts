// The Redis permissions a queue needs, as the README lists them, on a real redis-server with
// ACL users: the listed ones run a job end to end; one fewer is said at once, in one line
// naming the command, by the producer and by the worker's start (never a silent wait).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { QueueExecutor, QueueWorker } from "../src/queue-executor/index.ts";
import { square } from "./fixtures/tasks.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

/** The README's list, under "Where Redis is". */
const NEEDED = [
  "~bull:*",
  "&bull:*",
  "+@read",
  "+@write",
  "+@scripting",
  "+@connection",
  "+@pubsub",
  "+@transaction",
  "+info",
  "+time",
];

let redis: RedisServer;
let admin: Redis;

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.port, "127.0.0.1");
});

after(async () => {
  admin?.disconnect();
  await redis?.stop();
});

/** A user with these permissions; its connection URL. */
async function user(name: string, permissions: string[]): Promise<string> {
  await admin.call("ACL", "SETUSER", name, "reset", "on", ">secret-pw", ...permissions);
  return `redis://${name}:secret-pw@127.0.0.1:${redis.port}`;
}

function worker(connection: string): QueueWorker {
  return new QueueWorker({
    queue: "acl",
    connection,
    imports: [new URL("./fixtures/tasks.ts", import.meta.url)],
    executor: "async",
  });
}

describe("the permissions a queue needs", { timeout: 60_000 }, () => {
  it("runs a job end to end with exactly the listed permissions", async () => {
    const connection = await user("queue", NEEDED);
    const running = worker(connection);
    await running.start();
    try {
      await using executor = new QueueExecutor({ queue: "acl", connection });
      assert.deepEqual(await Promise.all([2, 3].map((n) => executor.submit(square, n))), [4, 9]);
    } finally {
      await running.close();
    }
  });

  it("says at once which command a producer may not run", async () => {
    const connection = await user(
      "no-time",
      NEEDED.filter((permission) => permission !== "+time"),
    );
    const executor = new QueueExecutor({ queue: "acl", connection, connectionTimeout: Infinity });
    await assert.rejects(executor.waitUntilReady(), /refused us: NOPERM .*'time' command/);
    await executor.shutdown();
  });

  it("ends a worker's start with the command it may not run", async () => {
    const connection = await user(
      "no-info",
      NEEDED.filter((permission) => permission !== "+info"),
    );
    await assert.rejects(worker(connection).start(), /NOPERM .*'info' command/);
  });
});
