// The queue over TLS from the command line: a real redis-server speaking only TLS with a
// certificate from the test's own CA. --tls-ca makes `futures worker` and `-x queue` trust it;
// without it each says in one line that the certificate is not trusted, and a bad --tls-ca is
// a usage error.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { makeTlsFiles, type TlsFiles } from "@futures/test-support/tls-certificates";
import { finished, runCli, spawnCli, stderrUntil } from "../helpers/cli.ts";

let files: TlsFiles;
let redis: RedisServer;
const started = new Set<ChildProcess>();

before(async () => {
  files = makeTlsFiles();
  redis = await startRedis(files);
});

after(async () => {
  for (const worker of started) worker.kill("SIGKILL");
  await redis?.stop();
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

describe("a queue over TLS from the command line", { timeout: 120_000 }, () => {
  it("runs -x queue jobs on a worker when both are given the CA", async () => {
    const tls = ["--connection", redis.url, "--tls-ca", files.ca];
    const worker = spawnCli(["worker", "--queue", "tls", "--import", "cpu", "--executor", "async", ...tls]);
    started.add(worker);
    const ready = await stderrUntil(worker, /queue tls on Redis 127\.0\.0\.1:\d+: /, 30_000);
    assert.doesNotMatch(ready, /not trusted/);
    const run = await runCli(["primes", "-x", "queue", "--queue", "tls", ...tls, "2"]);
    assert.equal(run.code, 0, run.stderr);
    worker.kill("SIGINT");
    await finished(worker);
  });

  it("says in one line that the certificate is not trusted, without the CA", async () => {
    const worker = await runCli(["worker", "--queue", "tls", "--import", "cpu", "--connection", redis.url]);
    // A fault of the place, not of the command line: status 1, one line, no usage.
    assert.equal(worker.code, 1, worker.stderr);
    assert.match(
      worker.stderr,
      /^futures worker: cannot start: Redis at 127\.0\.0\.1:\d+ presented a TLS certificate that is not trusted here \([^\n]+\n$/,
    );
    const producer = await runCli([
      "primes",
      "-x",
      "queue",
      "--queue",
      "tls",
      "--connection",
      redis.url,
      "2",
    ]);
    assert.notEqual(producer.code, 0);
    assert.match(producer.stderr, /presented a TLS certificate that is not trusted here/);
    assert.doesNotMatch(producer.stderr, /\n\s+at /, "no stack trace");
  });

  it("refuses a --tls-ca it cannot use with one line and exit status 2", async () => {
    const notPem = path.join(files.dir, "not-a-certificate.txt");
    writeFileSync(notPem, "hello\n");
    const cases: [string[], RegExp][] = [
      [
        ["--connection", redis.url, "--tls-ca", path.join(files.dir, "missing.pem")],
        /--tls-ca '.*missing\.pem' cannot be read: no such file/,
      ],
      [["--connection", redis.url, "--tls-ca", notPem], /holds no PEM certificate/],
      [["--connection", "redis://127.0.0.1:6379", "--tls-ca", files.ca], /--tls-ca needs a TLS URL/],
      [
        ["--connection", "redis+cluster://:hunter2@127.0.0.1:7000/0"],
        /: --connection: a cluster URL has no path/,
      ],
    ];
    for (const [options, message] of cases) {
      for (const command of [
        ["worker", "--queue", "tls", "--import", "cpu"],
        ["primes", "-x", "queue", "2"],
      ]) {
        const run = await runCli([...command, ...options]);
        assert.equal(run.code, 2, `${command.join(" ")} ${options.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.doesNotMatch(run.stderr, /hunter2/);
        assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
      }
    }
  });
});
