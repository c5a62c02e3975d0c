// `--trace FILE` on `-x queue`: a real redis-server and two real `futures worker` processes;
// each call lands on the track of the worker that ran it, as its outcome names it.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { finished, runCli, spawnCli, stderrUntil } from "../helpers/cli.ts";

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  args: Record<string, string | number>;
}

let redis: RedisServer;
let folder: string;
const started = new Set<ChildProcess>();

before(async () => {
  redis = await startRedis();
  folder = await mkdtemp(join(os.tmpdir(), "futures-queue-trace-"));
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await redis?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe("--trace FILE with -x queue", () => {
  it("puts each call on the track of the worker that ran it, named by host and pid", async () => {
    const workers = [0, 1].map(() => {
      const worker = spawnCli([
        "worker",
        "--queue",
        "traced",
        "--import",
        "cpu",
        "--connection",
        redis.url,
        "--executor",
        "async",
        "--concurrency",
        "2",
      ]);
      started.add(worker);
      return worker;
    });
    await Promise.all(workers.map((worker) => stderrUntil(worker, /Ctrl-C to stop/)));
    const file = join(folder, "primes.json");
    const run = await runCli([
      "primes",
      "-x",
      "queue",
      "--connection",
      redis.url,
      "--queue",
      "traced",
      "--trace",
      file,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { traceEvents } = JSON.parse(await readFile(file, "utf8")) as { traceEvents: TraceEvent[] };
    const names = new Map(
      traceEvents
        .filter((event) => event.ph === "M" && event.name === "thread_name")
        .map((event) => [`${event.pid}/${event.tid}`, String(event.args.name)]),
    );
    const calls = traceEvents.filter((event) => event.ph === "X");
    const lines = run.stdout.split("\n").filter((line) => /^\s*\d+ {2}[P ]/.test(line));
    assert.ok(lines.length >= 10, run.stdout);
    assert.equal(calls.length, lines.length, "one complete event per number checked");
    const pids = new Set(workers.map((worker) => worker.pid));
    for (const call of calls) {
      const track = names.get(`${call.pid}/${call.tid}`);
      // A worker running two calls at once has a row for each.
      const shown = /^(\S+) pid (\d+)(?: \(call \d+ at once\))?$/.exec(track ?? "");
      assert.ok(shown, `a worker's track, not ${track}`);
      assert.equal(shown[1], os.hostname());
      assert.ok(pids.has(Number(shown[2])), track);
      assert.equal(call.args.outcome, "ok");
    }
    assert.match(run.stderr, new RegExp(`trace: ${calls.length} calls on [12] workers? written to `));
    for (const worker of workers) worker.kill("SIGINT");
    await Promise.all(workers.map((worker) => finished(worker)));
  });
});
