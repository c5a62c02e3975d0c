// A queue over TLS (a real redis-server speaking only TLS, with a certificate from a CA of the
// test's own): with the CA given, work runs; without it, the producer and the worker each say
// at once that the certificate is not trusted, instead of waiting for a connection.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { QueueExecutor, QueueWorker } from "../src/queue-executor/index.ts";
import { square } from "./fixtures/tasks.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { makeTlsFiles, type TlsFiles } from "@futures/test-support/tls-certificates";

let files: TlsFiles;
let redis: RedisServer;

before(async () => {
  files = makeTlsFiles();
  redis = await startRedis(files);
});

after(async () => {
  await redis?.stop();
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

const UNTRUSTED = /Redis at 127\.0\.0\.1:\d+ presented a TLS certificate that is not trusted here \(.+\)/;

describe("a queue over TLS", { timeout: 60_000 }, () => {
  it("runs jobs when the producer and the worker trust the server's CA", async () => {
    const connection = { host: "127.0.0.1", port: redis.port, tls: { ca: readFileSync(files.ca) } };
    const worker = new QueueWorker({
      queue: "tls",
      connection,
      imports: [new URL("./fixtures/tasks.ts", import.meta.url)],
      executor: "async",
    });
    await worker.start();
    try {
      await using executor = new QueueExecutor({ queue: "tls", connection });
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => executor.submit(square, n))), [1, 4, 9]);
    } finally {
      await worker.close();
    }
  });

  it("tells a producer at once that the certificate is not trusted", async () => {
    const executor = new QueueExecutor({ queue: "tls", connection: redis.url, connectionTimeout: Infinity });
    await assert.rejects(executor.waitUntilReady(), UNTRUSTED);
    assert.throws(() => executor.submit(square, 2), UNTRUSTED);
    await executor.shutdown();
  });

  it("ends a worker's start with the same reason", async () => {
    const worker = new QueueWorker({
      queue: "tls",
      connection: redis.url,
      imports: [new URL("./fixtures/tasks.ts", import.meta.url)],
      executor: "async",
    });
    await assert.rejects(worker.start(), UNTRUSTED);
  });
});
