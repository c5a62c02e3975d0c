// `--trace FILE`: the calls of a real run, as a Chrome trace a person opens in Perfetto: one
// track per worker, one complete event per call, written whole or not at all.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromeTrace } from "../../src/observe/chrome-trace.ts";
import type { CallSpan } from "../../src/observe/call-span.ts";
import { runCli } from "../helpers/cli.ts";
import { labelEnv, runFlagsCli, useFlagServer } from "../flags/helpers.ts";

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args: Record<string, string | number>;
}

async function readTrace(file: string): Promise<TraceEvent[]> {
  const trace = JSON.parse(await readFile(file, "utf8")) as { traceEvents: TraceEvent[] };
  return trace.traceEvents;
}

const calls = (events: TraceEvent[]) => events.filter((event) => event.ph === "X");
const tracks = (events: TraceEvent[]) =>
  events.filter((event) => event.ph === "M" && event.name === "thread_name").map((event) => event.args.name);

let env: NodeJS.ProcessEnv;
const fixture = useFlagServer({ only: ["LOCAL"] }, (server) => {
  env = labelEnv(server);
});
let folder: string;
before(async () => {
  folder = await mkdtemp(join(os.tmpdir(), "futures-trace-"));
});
after(() => rm(folder, { recursive: true, force: true }));

describe("--trace FILE", () => {
  it("arcfour on 2 processes: one track per process, one complete event per job", async () => {
    const file = join(folder, "arcfour.json");
    const run = await runCli([
      "arcfour",
      "2",
      "-x",
      "processes",
      "--jobs",
      "6",
      "--size",
      "8192",
      "--trace",
      file,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const events = await readTrace(file);
    const processes = tracks(events);
    assert.equal(processes.length, 2, String(processes));
    for (const name of processes) assert.match(String(name), /^process \d+$/);
    // Each process first runs the no-op that times the pool's start-up, then the 6 jobs.
    const all = calls(events);
    const startups = all.filter((call) => call.name === "workerIdentity");
    assert.deepEqual(startups.map((call) => call.tid).sort(), [1, 2]);
    const jobs = all.filter((call) => call.name !== "workerIdentity");
    assert.equal(jobs.length, 6);
    for (const job of jobs) {
      assert.equal(job.name, "arcfourTest");
      assert.equal(job.args.outcome, "ok");
      assert.ok(job.ts! >= 0 && job.dur! >= 0, JSON.stringify(job));
    }
    // Six jobs on two processes: some waited for a worker.
    assert.ok(jobs.some((job) => Number(job.args.waited_ms) > 0));
    assert.match(run.stderr, /^trace: 8 calls on 2 workers written to .*arcfour\.json$/m);
  });

  it("flags on threads: every download is a call, on the thread that ran it", async () => {
    const file = join(folder, "flags.json");
    const dest = join(folder, "flags");
    const run = await runFlagsCli(
      ["-x", "threads", "-l", "30", "-a", "-d", dest, "--trace", file],
      fixture.root,
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const downloads = calls(await readTrace(file));
    assert.equal(downloads.length, 30);
    assert.ok(downloads.every((call) => call.args.outcome === "ok"));
  });

  it("bench: a trace of the whole run, one per row beside it, and the report links each row to its own", async () => {
    const html = join(folder, "report.html");
    const file = join(folder, "bench.json");
    const run = await runCli([
      "bench",
      ...["--workers", "2", "--runs", "1", "--jobs", "2", "--size", "4096", "--sha-size", "4096"],
      ...["--no-downloads", "-x", "processes", "--html", html, "--trace", file],
    ]);
    assert.equal(run.code, 0, run.stderr);
    const report = await readFile(html, "utf8");
    for (const workers of [1, 2]) {
      const row = calls(await readTrace(join(folder, `bench.processes-${workers}.json`)));
      // The last run of the row: the no-op per worker that times its start, then 2 RC4 and 2 SHA jobs.
      assert.equal(row.filter((call) => call.name !== "workerIdentity").length, 4);
      assert.equal(new Set(row.map((call) => call.tid)).size, workers);
      assert.match(report, new RegExp(`<a href="bench\\.processes-${workers}\\.json">processes</a>`));
    }
    assert.ok(calls(await readTrace(file)).length >= 8);
  });

  it("a trace path in a missing folder: one line, exit 1, before any work", async () => {
    const file = join(folder, "missing", "t.json");
    const run = await runCli(["primes", "1", "--trace", file]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `futures: cannot write the trace to ${file}: the folder ${join(folder, "missing")} does not exist (create it, or choose another --trace path)\n`,
    );
    assert.equal(run.stdout, "");
    assert.ok(!(await readdir(folder)).some((name) => name.endsWith(".tmp")));
  });
});

describe("chromeTrace", () => {
  const span = (worker: string, startedAt: number, endedAt: number): CallSpan => ({
    executor: "ThreadPoolExecutor 1",
    worker,
    task: "t",
    submittedAt: 0,
    startedAt,
    endedAt,
    outcome: "ok",
  });

  it("gives overlapping calls of one worker rows of their own, so that each row's events nest", () => {
    const events = JSON.parse(
      chromeTrace([
        span("thread 0", 1, 5),
        span("thread 0", 2, 3),
        span("thread 0", 5, 6),
        span("thread 1", 1, 2),
      ]),
    ).traceEvents as TraceEvent[];
    assert.deepEqual(new Set(tracks(events)), new Set(["thread 0", "thread 1", "thread 0 (call 2 at once)"]));
    const byRow = new Map<number, TraceEvent[]>();
    for (const call of calls(events)) byRow.set(call.tid, [...(byRow.get(call.tid) ?? []), call]);
    for (const row of byRow.values()) {
      row.sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < row.length; i++) assert.ok(row[i]!.ts! >= row[i - 1]!.ts! + row[i - 1]!.dur!);
    }
    assert.equal(calls(events).length, 4);
    assert.equal(calls(events)[0]!.args.waited_ms, 1);
  });
});
