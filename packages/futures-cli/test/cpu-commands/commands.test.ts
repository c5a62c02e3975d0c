import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Command, CommanderError } from "commander";
import {
  ARCFOUR_JOBS,
  ARCFOUR_SIZE,
  arcfourJobSizes,
  DEFAULT_ARCFOUR_KERNEL,
} from "../../src/cpu/arcfour-job.ts";
import { SHA_JOBS, SHA_SIZE } from "../../src/cpu/sha-job.ts";
import { registerCpuCommands } from "../../src/cpu-commands/command.ts";
import { registerDemoCommands } from "../../src/demos/command.ts";
import { registerBenchCommand } from "../../src/bench/command.ts";
import { PRIME_FIXTURE } from "../../src/cpu/primes.ts";
import { runArcfour } from "../../src/cpu-commands/run-arcfour.ts";
import { runPrimes } from "../../src/cpu-commands/run-primes.ts";
import { runSha } from "../../src/cpu-commands/run-sha.ts";
import { UsageError } from "../../src/common/usage.ts";
import { maxCpuWorkers } from "../../src/executors/worker-count.ts";
import { runCli } from "../helpers/cli.ts";

const STATUS = /^(\d+) workers, elapsed time: \d+\.\d\ds \(pool start-up \d+\.\d\ds, \d+%\)$/;
const PRIME_ROW = /^ {0,15}(\d{1,16}) {2}([P ]) +\d+\.\d{6}s$/;

function program(): Command {
  const root = new Command("futures")
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerCpuCommands(root);
  registerBenchCommand(root);
  return root;
}

const parse = (...args: string[]) => program().parseAsync(["node", "futures", ...args]);

describe("CPU suites in this process", () => {
  it("runArcfour prints each job as it completes, then the status line", async () => {
    const lines: string[] = [];
    const result = await runArcfour({
      executor: "threads",
      workers: 2,
      jobs: 5,
      size: 3000,
      print: (l) => lines.push(l),
    });
    assert.equal(result.workers, 2);
    assert.equal(lines.length, 6);
    const expected = arcfourJobSizes(5, 3000).map((size) => `${(size / 1024).toFixed(1)} KB`);
    assert.deepEqual(lines.slice(0, 5).sort(), expected.sort());
    assert.match(lines[5]!, STATUS);
  });

  it("runSha prints one digest per job on the async executor", async () => {
    const lines: string[] = [];
    await runSha({ executor: "async", workers: 3, jobs: 4, size: 100, print: (l) => lines.push(l) });
    assert.equal(lines.length, 5);
    for (const line of lines.slice(0, 4)) assert.match(line, /^[0-9a-f]{64}$/);
    assert.match(lines[4]!, /^3 workers, elapsed time: \d+\.\d\ds$/, "the event loop has no start-up");
  });

  it("runArcfour names the workers that really start: one per job at most", async () => {
    const lines: string[] = [];
    const result = await runArcfour({
      executor: "threads",
      workers: 8,
      jobs: 3,
      size: 1000,
      kernel: "typescript",
      print: (l) => lines.push(l),
    });
    assert.equal(result.workers, 3);
    assert.ok(result.startup > 0 && result.startup <= result.elapsed);
    assert.match(
      lines.at(-1)!,
      /^3 workers \(one per job; 8 asked\), elapsed time: \d+\.\d\ds \(pool start-up \d+\.\d\ds, \d+%\)$/,
    );
  });

  it("runPrimes says how many workers start when there are fewer numbers than asked", async () => {
    const lines: string[] = [];
    await runPrimes({ executor: "threads", workers: 5, numbers: [2n, 3n, 4n], print: (l) => lines.push(l) });
    assert.equal(lines[0], "Checking 3 numbers with 3 threads (one per number; 5 asked):");
  });

  it("runPrimes reports every number with the right answer", async () => {
    const lines: string[] = [];
    const numbers = [2n, 97n, 100n, 4503670360107857n, 142702110479723n];
    const results = await runPrimes({
      executor: "threads",
      workers: 2,
      numbers,
      print: (l) => lines.push(l),
    });
    assert.equal(lines[0], "Checking 5 numbers with 2 threads:");
    assert.deepEqual(
      results.map((r) => [r.n, r.prime]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [2n, true],
        [97n, true],
        [100n, false],
        [142702110479723n, true],
        [4503670360107857n, false],
      ],
    );
    assert.match(lines.at(-1)!, /^5 checks in \d+\.\d\ds$/);
  });
});

describe("command-line usage errors", () => {
  for (const command of ["arcfour", "sha", "primes"]) {
    for (const bad of ["0", "-1", "abc", "1.5"]) {
      it(`${command} ${bad} is a usage error`, async () => {
        await assert.rejects(parse(command, bad), (error: Error) => {
          assert.ok(error instanceof UsageError, String(error));
          assert.match(error.message, /WORKERS/);
          return true;
        });
      });
    }
  }

  it("refuses more workers than a CPU command can use, stating the bound", async () => {
    const bound = maxCpuWorkers("processes");
    for (const [command, workers, kind] of [
      ["primes", "99999", "processes"],
      ["arcfour", String(bound + 1), "processes"],
      ["sha", "1000001", "async"],
    ] as const) {
      await assert.rejects(parse(command, workers, "-x", kind), (error: Error) => {
        assert.ok(error instanceof UsageError, String(error));
        const max = maxCpuWorkers(kind);
        assert.equal(error.message, `WORKERS must be a whole number from 1 to ${max}, got '${workers}'`);
        return true;
      });
    }
  });

  it("rejects a bad --size, --jobs, kernel or executor", async () => {
    await assert.rejects(parse("arcfour", "--kernel", "asm"), CommanderError);
    await assert.rejects(parse("arcfour", "--size", "0"), UsageError);
    await assert.rejects(parse("sha", "--jobs", "x"), UsageError);
    await assert.rejects(parse("primes", "-x", "fibers"), CommanderError);
    await assert.rejects(parse("bench", "--workers", "0"), UsageError);
    await assert.rejects(parse("bench", "-x", "processes,fibers"), UsageError);
  });

  it("offers the jobs' own default sizes and counts on the command line", () => {
    const defaults = (name: string) =>
      Object.fromEntries(
        program()
          .commands.find((c) => c.name() === name)!
          .options.map((option) => [option.long, option.defaultValue]),
      );
    assert.equal(defaults("arcfour")["--size"], String(ARCFOUR_SIZE));
    assert.equal(defaults("arcfour")["--jobs"], String(ARCFOUR_JOBS));
    assert.equal(defaults("arcfour")["--kernel"], DEFAULT_ARCFOUR_KERNEL);
    assert.equal(defaults("sha")["--size"], String(SHA_SIZE));
    assert.equal(defaults("sha")["--jobs"], String(SHA_JOBS));
  });

  it("registers the demo group once, with its three demos", () => {
    const root = program();
    registerDemoCommands(root);
    const demos = root.commands.filter((c) => c.name() === "demo");
    assert.equal(demos.length, 1);
    assert.deepEqual(
      demos[0]!.commands.map((c) => c.name()),
      ["map", "primes", "as-completed"],
    );
  });
});

describe("the commands as a user runs them", () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "futures-cpu-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("futures arcfour 2 --size 8192 --jobs 4", async () => {
    const run = await runCli(["arcfour", "2", "--size", "8192", "--jobs", "4"]);
    assert.equal(run.code, 0, run.stderr);
    const expected = arcfourJobSizes(4, 8192).map((size) => `${(size / 1024).toFixed(1)} KB`);
    assert.deepEqual(run.lines.slice(0, 4).sort(), expected.sort());
    assert.match(run.lines[4]!, STATUS);
    assert.equal(run.lines[4]!.match(STATUS)![1], "2");
    assert.equal(run.lines.length, 5);
  });

  it("futures sha --jobs 3 --size 1000 -x threads 1", async () => {
    const run = await runCli(["sha", "--jobs", "3", "--size", "1000", "-x", "threads", "1"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.lines.length, 4);
    for (const line of run.lines.slice(0, 3)) assert.match(line, /^[0-9a-f]{64}$/);
    assert.match(run.lines[3]!, STATUS);
  });

  it("futures primes 2 prints the 20 numbers as they finish, then the total", async () => {
    const run = await runCli(["primes", "2"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.lines[0], "Checking 20 numbers with 2 processes:");
    const rows = run.lines.slice(1, 21).map((line) => {
      const match = PRIME_ROW.exec(line);
      assert.ok(match, `row format: '${line}'`);
      assert.equal(line.indexOf(match[1]!) + match[1]!.length, 16, "numbers are right-aligned in 16 columns");
      return [BigInt(match[1]!), match[2] === "P"] as const;
    });
    assert.deepEqual(
      rows.sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      PRIME_FIXTURE.map(([n, p]) => [n, p]),
    );
    assert.match(run.lines[21]!, /^20 checks in \d+\.\d\ds$/);
  });

  it("a bad worker count exits 2 with one line and no stack trace", async () => {
    const run = await runCli(["arcfour", "1.5"]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /WORKERS must be a whole number/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it("bad queue settings of -x queue are usage errors, before any job", async () => {
    const cases = ["arcfour", "sha", "primes"].flatMap((command) => [
      [command, "-x", "queue", "--queue", "a:b"],
      [command, "-x", "queue", "--connection", "http://x"],
      [command, "-x", "queue", "--connection", "redis://127.0.0.1:99999"],
      [command, "-x", "queue", "--connection", "redis://127.0.0.1:0"],
    ]);
    await Promise.all(
      cases.map(async (args) => {
        const run = await runCli(args);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.equal(run.stdout, "", args.join(" "));
        assert.match(
          run.stderr,
          /^futures \w+: error: --(queue must be a name without ':', got '.*'|connection: (not a Redis URL:|bad host or port in) .*)\nUsage: /,
          args.join(" "),
        );
      }),
    );
  });

  it("futures bench --html into a missing folder says so in one line, before measuring", async () => {
    const missing = path.join(tmp, "no-such-folder", "report.html");
    const run = await runCli(["bench", "--html", missing]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `futures: cannot write the report to ${missing}: the folder ${path.dirname(missing)} does not exist (create it, or choose another --html path)\n`,
    );
    const folder = await runCli(["bench", "--html", tmp]);
    assert.match(folder.stderr, /^futures: cannot write the report to .*: that is a folder, not a file\n$/);
  });

  it("futures bench writes the tables, the download comparison and an HTML report with charts", async () => {
    const html = path.join(tmp, "report.html");
    const args = ["bench", "--workers", "2", "--runs", "1", "--jobs", "2", "--size", "20000"];
    const run = await runCli(
      [...args, "--sha-size", "20000", "-x", "processes,async", "--html", html],
      undefined,
      120_000,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.lines.some((line) => /^executor\s+workers\s+RC4 time\s+RC4 speedup/.test(line)));
    assert.ok(run.lines.some((line) => /^processes\s+2\s+\d+\.\d\ds\s+\d+\.\d\dx/.test(line)));
    assert.ok(run.lines.some((line) => /^async\s+1\s+/.test(line)));
    assert.ok(
      run.lines.some((line) => /^processes\s+1\s+\d+ ms\s+\d+-\d+ ms$/.test(line)),
      "start-up table",
    );
    assert.ok(run.lines.includes(`Report written to ${html}`));
    for (const executor of ["sequential", "threads", "processes", "async"]) {
      const row = new RegExp(
        `^${executor}\\s+\\d+\\s+\\d+\\.\\d\\ds\\s+[\\d.]+-[\\d.]+s\\s+\\d+\\.\\d\\dx\\s+194 ok, 482 not found, 0 errors$`,
      );
      assert.ok(
        run.lines.some((line) => row.test(line)),
        `download row for ${executor}`,
      );
    }
    const page = await readFile(html, "utf8");
    assert.match(page, /^<!doctype html>/);
    // Time per suite (RC4, SHA-256, primes), one small speedup chart per CPU suite, downloads.
    assert.equal(page.match(/<svg /g)?.length, 6);
    assert.match(page, /<h2>Downloads<\/h2>/);
    assert.match(page, /: speedup over 1 worker/);
    assert.doesNotMatch(page, /<script|NaN|undefined/);
  });
});
