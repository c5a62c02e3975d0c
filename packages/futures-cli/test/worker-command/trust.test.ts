// The queue's trust model, as users meet it: keys on both sides (signed jobs only), forged
// jobs that must not make a worker misbehave, usage errors that never show a secret, and a
// producer that says when no worker serves its queue. Real redis-server and real
// `futures worker` processes, killed by pid at the end.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { QueueExecutor } from "concurrent-futures/queue";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { downloadOne } from "../../src/flags/download-task.ts";
import type { DownloadRequest } from "../../src/flags/download-one.ts";
import { finished, runCli, spawnCli } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";

let redis: RedisServer;
let dir: string;
const KEY = "correct horse battery staple 0123";
const OTHER_KEY = "another key, also long enough!!";
const SHORT_KEY = "tooshort-secret"; // 15 bytes
let keyFile: string;
let otherKeyFile: string;
let shortKeyFile: string;
const started = new Set<ChildProcess>();

before(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(os.tmpdir(), "futures-trust-"));
  keyFile = path.join(dir, "key");
  otherKeyFile = path.join(dir, "other-key");
  shortKeyFile = path.join(dir, "short-key");
  writeFileSync(keyFile, `${KEY}\n`);
  writeFileSync(otherKeyFile, OTHER_KEY);
  writeFileSync(shortKeyFile, `${SHORT_KEY}\n`);
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The stderr of each child of this file, from its start. */
const stderrOf = new WeakMap<ChildProcess, { text: string }>();

/** A child of this file, killed by pid at the end should a test fail midway. */
function own(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once("exit", () => started.delete(child));
  const seen = { text: "" };
  stderrOf.set(child, seen);
  child.stderr!.on("data", (chunk: Buffer) => (seen.text += chunk.toString()));
  return child;
}

/** Resolve with the child's whole stderr once it matches `pattern`. */
function stderrUntil(child: ChildProcess, pattern: RegExp, ms = 30_000): Promise<string> {
  const seen = stderrOf.get(child)!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stderr!.off("data", check);
      reject(new Error(`no ${pattern} in:\n${seen.text}`));
    }, ms);
    function check(): void {
      if (!pattern.test(seen.text)) return;
      clearTimeout(timer);
      child.stderr!.off("data", check);
      resolve(seen.text);
    }
    child.stderr!.on("data", check);
    check();
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** `futures worker` of the downloader's tasks; `fromSource` for jobs the test sends itself (see cliArgs). */
function spawnWorker(queue: string, options: string[] = [], fromSource = false): ChildProcess {
  const args = ["worker", "--queue", queue, "--import", "flags", "--connection", redis.url];
  return own(spawnCli([...args, "--concurrency", "2", ...options], undefined, {}, fromSource));
}

describe("queue keys and usage errors", { timeout: 120_000 }, () => {
  it("a missing key file, an empty or short key: exit 2, one line, the key never shown", async () => {
    const empty = path.join(dir, "empty-key");
    writeFileSync(empty, "\n");
    const runs = await Promise.all([
      runCli(["flags", "-x", "queue", "--key-file", path.join(dir, "no-such-file")]),
      runCli(["flags", "-x", "queue", "--key-file", shortKeyFile]),
      runCli(["worker", "--queue", "q", "--import", "flags", "--key-file", shortKeyFile]),
      runCli(["arcfour", "-x", "queue", "--key-file", empty]),
      runCli(["primes", "-x", "queue"], undefined, 60_000, { FUTURES_QUEUE_KEY: SHORT_KEY }),
      runCli(["worker", "--queue", "q", "--import", "flags"], undefined, 60_000, { FUTURES_QUEUE_KEY: "" }),
      runCli(["sha", "-x", "queue", "--key-file", path.join(empty, "key")]),
    ]);
    const expected = [
      /^futures flags: error: --key-file '.*no-such-file' cannot be read: no such file\n/,
      /^futures flags: error: --key-file '.*short-key' holds a key of 15 bytes; a key needs at least 16/,
      /^futures worker: error: --key-file '.*short-key' holds a key of 15 bytes; a key needs at least 16/,
      /^futures arcfour: error: --key-file '.*empty-key' holds an empty key\n/,
      /^futures primes: error: FUTURES_QUEUE_KEY holds a key of 15 bytes/,
      /^futures worker: error: FUTURES_QUEUE_KEY holds an empty key\n/,
      /^futures sha: error: --key-file '.*empty-key\/key' cannot be read: a part of the path is a file, not a folder\n/,
    ];
    for (const [i, run] of runs.entries()) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, expected[i]!);
      assert.equal(run.stderr.split("\n").filter((line) => line.includes("error")).length, 1, run.stderr);
      assert.ok(!run.stderr.includes(SHORT_KEY) && !run.stdout.includes(SHORT_KEY), run.stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("a connection URL with a password never shows the password", async () => {
    const secret = "hunter2-pw";
    const malformed = `redis://:${secret}@127.0.0.1:99999/x`;
    const unreachable = `redis://user:${secret}@127.0.0.1:${await freePort()}`;
    const runs = await Promise.all([
      runCli(["flags", "-x", "queue", "--connection", malformed]),
      runCli(["arcfour", "-x", "queue", "--connection", malformed]),
      runCli(["worker", "--queue", "q", "--import", "flags", "--connection", malformed]),
      runCli(["worker", "--queue", "q", "--import", "flags", "--connection", `redis://:${secret}/x@@h:1`]),
      runCli(["worker", "--queue", "q", "--import", "flags", "--connection", unreachable], undefined, 60_000),
    ]);
    for (const run of runs.slice(0, 4)) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--connection: .*redis:\/\/\*\*\*@/);
    }
    assert.equal(runs[4]!.code, 1, runs[4]!.stderr);
    assert.match(runs[4]!.stderr, /cannot reach Redis at 127\.0\.0\.1:\d+/);
    for (const run of runs) assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), run.stderr);
  });

  it("a worker with a key runs the jobs signed with it and refuses the others, and lives", async () => {
    const worker = spawnWorker("signed", ["--key-file", keyFile]);
    const exit = exited(worker);
    const startLine = await stderrUntil(worker, /\(Ctrl-C to stop\)\n/);
    assert.match(
      startLine,
      /queue signed on Redis .*: 1 tasks, 2 at once on processes, signed jobs only \(Ctrl-C/,
    );
    assert.doesNotMatch(startLine, /warning: no key/);
    const dest = path.join(dir, "signed-dest");
    const port = String(await freePort());
    const run = (...options: string[]) =>
      runCli(
        ["flags", "-x", "queue", "--connection", redis.url, "--queue", "signed", "-d", dest].concat([
          "--no-progress",
          "-v",
          "-l",
          "3",
          ...options,
        ]),
        undefined,
        60_000,
        { FUTURES_LOCAL_PORT: port },
      );
    try {
      const good = await run("--key-file", keyFile);
      assert.equal(good.code, 0, good.stderr + good.stdout);
      assert.match(good.stdout, /3 flags downloaded\./);
      const viaEnv = await runCli(
        [
          "flags",
          "-x",
          "queue",
          "--connection",
          redis.url,
          "--queue",
          "signed",
          "-d",
          dest,
          "--no-progress",
          "-l",
          "2",
        ],
        undefined,
        60_000,
        { FUTURES_LOCAL_PORT: port, FUTURES_QUEUE_KEY: KEY },
      );
      assert.equal(viaEnv.code, 0, viaEnv.stderr + viaEnv.stdout);
      for (const bad of [await run(), await run("--key-file", otherKeyFile)]) {
        assert.equal(bad.code, 1, bad.stderr + bad.stdout);
        assert.match(
          bad.stdout,
          /^[A-Z]{2} error: UntrustedJobError: job \S+ is not signed with this worker's key/m,
        );
        assert.match(bad.stdout, /3 errors\./);
      }
      await stderrUntil(
        worker,
        /job \S+ failed: UntrustedJobError: job \S+ is not signed with this worker's key/,
      );
      assert.equal(worker.exitCode, null, "the worker lives");
    } finally {
      worker.kill("SIGTERM");
      assert.equal(await exit, 143);
    }
  });
});

describe("forged jobs for the downloader's task", { timeout: 120_000 }, () => {
  let server: Server;
  let baseUrl: string;
  const requested: string[] = [];

  before(async () => {
    // Answers 200 to any path: a write outside the folder would happen if the task allowed it.
    server = createServer((request, response) => {
      requested.push(request.url ?? "");
      response.end("GIF89a forged");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  it("fail one job each, write nothing outside the destination, and leave the worker running", async () => {
    const worker = spawnWorker("forged", [], true);
    const exit = exited(worker);
    const startLine = await stderrUntil(
      worker,
      /anyone who can write to this Redis can run its tasks with any arguments\n/,
    );
    assert.match(startLine, /, any job: no key \(Ctrl-C to stop\)\n/);
    const root = path.join(dir, "forged");
    const dest = path.join(root, "a", "b", "dest");
    mkdirSync(dest, { recursive: true });
    const request = (fields: Partial<DownloadRequest> = {}): DownloadRequest => ({
      baseUrl,
      dest,
      timeout: 5000,
      retries: 0,
      overwrite: false,
      tempTag: "1-a-b",
      connections: 1,
      ...fields,
    });
    // A producer that is not the command: nothing checks what it sends.
    const executor = new QueueExecutor({ queue: "forged", connection: redis.url, window: 4 });
    try {
      const traversal = executor.submit(downloadOne, "/../../x", request());
      const foreign = executor.submit(downloadOne, "br", request({ baseUrl: "file:///etc/passwd#" }));
      const tag = executor.submit(downloadOne, "br", request({ tempTag: "../../../y" }));
      await assert.rejects(traversal.result(), /^RangeError: cc must be two letters/);
      await assert.rejects(
        foreign.result(),
        /^RangeError: request\.baseUrl must be an http:\/\/ or https:\/\/ URL, got a file: URL/,
      );
      await assert.rejects(tag.result(), /^RangeError: request\.tempTag/);
      assert.deepEqual(requested, [], "nothing was fetched");
      const good = await executor.submit(downloadOne, "br", request()).result();
      assert.equal(good.status, "ok");
      assert.deepEqual(readdirSync(root, { recursive: true }).sort(), [
        "a",
        "a/b",
        "a/b/dest",
        "a/b/dest/br.gif",
      ]);
      await stderrUntil(worker, /job \S+ failed: RangeError: cc must be two letters/);
      assert.equal(worker.exitCode, null, "the worker lives");
    } finally {
      await executor.shutdown();
      worker.kill("SIGTERM");
      assert.equal(await exit, 143);
    }
  });
});

describe("-x queue with no worker says so", { timeout: 120_000 }, () => {
  for (const [command, signal, status, args] of [
    ["flags", "SIGTERM", 143, ["-l", "2", "--no-progress"]],
    ["primes", "SIGINT", 130, ["2"]],
  ] as const) {
    it(`futures ${command}: one line naming the queue and the worker to start, then ${signal}`, async () => {
      const dest = path.join(dir, `lonely-${command}`);
      const child = own(
        spawnCli(
          [command, "-x", "queue", "--connection", redis.url, "--queue", `lonely-${command}`, ...args].concat(
            command === "flags" ? ["-d", dest] : [],
          ),
          undefined,
          { FUTURES_LOCAL_PORT: String(await freePort()) },
        ),
      );
      const run = finished(child, 90_000);
      const imports = command === "flags" ? "flags" : "cpu";
      const said = await stderrUntil(
        child,
        new RegExp(
          `^futures ${command}: no worker is serving queue 'lonely-${command}' on Redis 127\\.0\\.0\\.1:\\d+ ` +
            `\\(start one with: futures worker --queue lonely-${command} --import ${imports}\\); still waiting\\n`,
          "m",
        ),
        60_000,
      );
      assert.equal(said.match(/no worker is serving/g)!.length, 1, said);
      child.kill(signal);
      const { code } = await run;
      assert.equal(code, status);
    });
  }
});

describe("-x queue with Redis unanswered says so and stops on a signal", { timeout: 120_000 }, () => {
  for (const [command, signal, status, args] of [
    ["flags", "SIGINT", 130, ["-e", "--no-progress"]],
    ["flags", "SIGTERM", 143, ["-l", "2", "--no-progress"]],
    ["primes", "SIGINT", 130, ["2"]],
  ] as const) {
    it(`futures ${command}: one line naming Redis and the deadline, then ${signal} ends it`, async () => {
      const dest = path.join(dir, `unanswered-${command}-${signal}`);
      // A free port: nothing listens there, so Redis never answers.
      const port = await freePort();
      const child = own(
        spawnCli(
          [command, "-x", "queue", "--connection", `redis://:secret@127.0.0.1:${port}`, ...args].concat(
            command === "flags" ? ["-d", dest] : [],
          ),
          undefined,
          { FUTURES_LOCAL_PORT: String(await freePort()) },
        ),
      );
      const run = finished(child, 60_000);
      const said = await stderrUntil(
        child,
        new RegExp(
          `^futures ${command}: waiting for Redis at 127\\.0\\.0\\.1:${port} \\(gives up after 30 s\\)\\n`,
          "m",
        ),
        20_000,
      );
      child.kill(signal);
      const exit = await run;
      const { stdout, stderr } = exit;
      // flags reports what it cancelled and exits with the signal's status; primes, which has
      // started nothing, may end by the signal itself (a shell shows the same status).
      if (command === "flags" || exit.signal === null) assert.equal(exit.code, status, stderr);
      else assert.equal(exit.signal, signal, stderr);
      assert.doesNotMatch(said + stderr, /secret/);
      if (command === "flags") {
        assert.match(stdout, /\d+ cancelled\./);
        assert.deepEqual(readdirSync(dest), [], "nothing written, no temporary file left");
      }
    });
  }
});
