// The test runner behind `npm test` and `npm run test:quick`: every test file in a process of
// its own (node:test, from the TypeScript sources under tsx, in its package's folder), a few
// files at once, one line per file, every failure in full, and a closing count.
//
//   node scripts/run-tests.mjs [--quick] [--built] [--jobs N] [--timeout MS]
//                              [--file-timeout MS] [--timings FILE] TEST_FILE...
//
// --quick leaves out the files listed in SLOW below. --timeout is the limit of each test,
// hook and suite that sets none of its own (scripts/test-timeouts.mjs); --file-timeout stops a
// whole file only as a last resort, for a file that never ends after its tests (a handle left
// open). --timings writes each file's seconds as JSON. --built says the packages were just
// built (`npm test` builds them first): the tests then run the compiled `futures` command,
// which starts in a third of the time (packages/futures-cli/test/helpers/cli.ts).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

// The files beyond the unit level, which --quick leaves out: redis-servers and clusters,
// worker fleets, pools of processes and threads, the command run many times, terminals, a
// browser, other runtimes, packed tarballs, programs run whole, tsc. They start first, the
// longest first (as measured on 2 cores), so that no long file starts last. Paths end so; `*`
// stands for any part of a name.
const SLOW = [
  "concurrent-futures/test/process-pool.test.ts",
  "futures-cli/test/worker-command/worker.test.ts",
  "concurrent-futures/test/other-runtimes.test.ts",
  "concurrent-futures/test/thread-pool.test.ts",
  "concurrent-futures/test/overlapping-calls.test.ts",
  "concurrent-futures/test/queue-faults.test.ts",
  "futures-cli/test/cpu-commands/commands.test.ts",
  "futures-cli/test/worker-command/trust.test.ts",
  "futures-cli/test/flags-command/signals.test.ts",
  "futures-cli/test/flags-command/cli.test.ts",
  "concurrent-futures/test/queue-executor.test.ts",
  "futures-cli/test/worker-command/*.test.ts",
  "futures-cli/test/status-command/status.test.ts",
  "concurrent-futures/test/queue-*.test.ts",
  "futures-cli/test/serve-command/serve-command.test.ts",
  "futures-cli/test/flags/retry.test.ts",
  "*/package.test.ts",
  "futures-cli/test/flags-command/terminal-screen.test.ts",
  "futures-cli/test/flags-command/progress.test.ts",
  "futures-cli/test/demos/demos.test.ts",
  "futures-cli/test/cli/help.test.ts",
  "futures-cli/test/bench/bench-page.test.ts",
  "concurrent-futures/test/orphaned-child.test.ts",
  "concurrent-futures/test/examples.test.ts",
  "concurrent-futures/test/entry-module-task.test.ts",
  "concurrent-futures/test/types.test.ts",
  "concurrent-futures/test/result-removal.test.ts",
];

// Files that mostly wait (on Redis, on servers, on timeouts) and use half a core or less: one
// at a time runs in a lane of its own beside the --jobs lanes, which keeps both cores busy
// without a third file that computes.
const WAITING = [
  "futures-cli/test/worker-command/worker.test.ts",
  "futures-cli/test/worker-command/trust.test.ts", // 32 s alone for 17 s of CPU
  "concurrent-futures/test/queue-faults.test.ts",
  "concurrent-futures/test/queue-stall.test.ts",
  "concurrent-futures/test/queue-rollback.test.ts",
  "futures-cli/test/flags/retry.test.ts",
  "futures-cli/test/flags-command/terminal-screen.test.ts",
  "concurrent-futures/test/queue-partition.test.ts",
  "concurrent-futures/test/queue-sentinel.test.ts",
  "concurrent-futures/test/orphaned-child.test.ts",
  "concurrent-futures/test/queue-tls.test.ts",
  "concurrent-futures/test/queue-status.test.ts",
  "futures-cli/test/status-command/status.test.ts",
];

const { values: options, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: "boolean", default: false },
    jobs: { type: "string", default: String(Math.max(1, os.availableParallelism())) },
    timeout: { type: "string", default: "120000" },
    "file-timeout": { type: "string", default: "1200000" },
    timings: { type: "string" },
    built: { type: "boolean", default: false },
  },
});
const jobs = Number(options.jobs);
const fileTimeout = Number(options["file-timeout"]);
for (const [name, value] of [
  ["--jobs", jobs],
  ["--timeout", Number(options.timeout)],
  ["--file-timeout", fileTimeout],
])
  if (!Number.isInteger(value) || value < 1) usage(`${name} takes a whole number above 0`);
if (files.length === 0) usage("name the test files");
for (const file of files) if (!existsSync(file)) usage(`no such file: ${file}`);

function usage(problem) {
  console.error(`run-tests: ${problem}`);
  console.error("usage: node scripts/run-tests.mjs [--quick] [--jobs N] [--timeout MS] TEST_FILE...");
  process.exit(2);
}

/** The place of `file` in `list` (SLOW or WAITING), or -1. */
function placeIn(list, file) {
  const name = path.resolve(file).split(path.sep).join("/");
  return list.findIndex((pattern) => {
    // `*` stands for any part of one folder or file name.
    const source = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
    return new RegExp(`(^|/)${source}$`).test(name);
  });
}

/** The folder of the package.json nearest above `file`: the tests run there, as npm runs them. */
function packageOf(file) {
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "..");
const scratch = mkdtempSync(path.join(os.tmpdir(), "futures-tests-"));
const relative = (file) => path.relative(root, path.resolve(file));

const ranked = files.map((file, index) => ({ file, index, rank: placeIn(SLOW, file) }));
const chosen = ranked
  .filter(({ rank }) => !options.quick || rank < 0)
  .sort((a, b) => (a.rank < 0) - (b.rank < 0) || a.rank - b.rank || a.index - b.index)
  .map(({ file }) => file);
const waiting = chosen.filter((file) => placeIn(WAITING, file) >= 0);
const computing = chosen.filter((file) => placeIn(WAITING, file) < 0);
const waitingLane = waiting.length > 0;

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedFiles = [];
const timings = {};
const running = new Set();
const started = performance.now();

/** Run one file; resolves with what its reporter said, its output and how it ended. */
function runFile(file, number) {
  const events = path.join(scratch, `${number}.jsonl`);
  const child = spawn(
    process.execPath,
    [
      "--conditions=futures-source",
      "--import",
      "tsx",
      "--import",
      pathToFileURL(path.join(here, "test-timeouts.mjs")).href,
      `--test-reporter=${pathToFileURL(path.join(here, "test-reporter.mjs")).href}`,
      `--test-reporter-destination=${events}`,
      path.resolve(file),
    ],
    {
      cwd: packageOf(file),
      env: {
        ...process.env,
        FUTURES_TEST_TIMEOUT_MS: options.timeout,
        ...(options.built && { FUTURES_TEST_BUILT: "1" }),
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // a process group of its own, so that a stopped file leaves nothing behind
    },
  );
  running.add(child);
  let output = "";
  const keep = (chunk) => (output = (output + chunk).slice(-200_000));
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  let stopped = false;
  const timer = setTimeout(() => {
    stopped = true;
    killGroup(child);
  }, fileTimeout);
  const begun = performance.now();
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      killGroup(child); // whatever the file started and left running
      const seconds = (performance.now() - begun) / 1000;
      const exited = Date.now();
      const lines = existsSync(events) ? readFileSync(events, "utf8").split("\n").filter(Boolean) : [];
      resolve({
        file,
        code,
        signal,
        stopped,
        seconds,
        exited,
        output,
        events: lines.map((l) => JSON.parse(l)),
      });
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const indent = (text, by) => text.replace(/^(?=.)/gm, by);
const plural = (n, word) => `${n} ${word}`;

function report({ file, code, signal, stopped, seconds, exited, output, events }) {
  const count = { passed: 0, failed: 0, skipped: 0 };
  const details = [];
  const notes = [];
  const open = new Map();
  let lastEnd = exited;
  for (const event of events) {
    if (event.event === "begin") open.set(event.key, event.name);
    else if (event.event === "note") notes.push(event.message);
    else if (event.event === "end") {
      open.delete(event.key);
      lastEnd = event.at;
    } else if (event.event === "pass") count.passed++;
    else if (event.event === "skip") {
      count.skipped++;
      details.push(`  skipped: ${event.title}${event.reason ? `: ${event.reason}` : ""}`);
    } else if (event.event === "cancelled") {
      count.failed++;
      details.push(`  ✖ ${event.title}: cancelled, its suite failed first`);
    } else if (event.event === "fail") {
      count.failed++;
      const where = event.where ? ` (${path.relative(root, event.where)})` : "";
      details.push(`  ✖ ${event.title} [${event.ms} ms]${where}\n${indent(event.error, "    ")}`);
    }
  }
  // A file can fail outside its tests: it does not load, throws after them, or never ends.
  let ending;
  if (stopped)
    ending = `stopped after ${fileTimeout / 1000} s; still running: ${[...open.values()].join(", ") || "no test"}`;
  else if (code !== 0 && count.failed === 0) {
    // node:test's closing counts ("tests 4", "pass 4"...) are not worth showing.
    const said = notes.filter(
      (note) => !/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(note),
    );
    ending = `the file ended with ${signal ?? `exit code ${code}`} and no failed test${said.length > 0 ? `; node:test said:\n${indent(said.join("\n"), "    ")}` : ""}`;
  }
  if (ending) {
    count.failed++;
    details.push(`  ✖ ${ending}`);
  }
  const failed = count.failed > 0;
  if (failed && output.trim()) {
    const tail = output.trimEnd().split("\n").slice(-80).join("\n");
    details.push(`  what the file printed (its end):\n${indent(tail, "    | ")}`);
  }
  const counts = [plural(count.passed, "passed")];
  if (count.failed) counts.push(plural(count.failed, "failed"));
  if (count.skipped) counts.push(plural(count.skipped, "skipped"));
  // Time the process took to end after its last test: timers or servers left behind.
  const lingered = (exited - lastEnd) / 1000;
  if (lingered >= 2) counts.push(`then ${lingered.toFixed(1)} s to exit`);
  const status = failed ? "FAIL" : "ok  ";
  console.log(`${status} ${seconds.toFixed(1).padStart(6)}s  ${relative(file)}  ${counts.join(", ")}`);
  for (const detail of details) console.log(detail);
  for (const key of Object.keys(totals)) totals[key] += count[key];
  if (failed) failedFiles.push(relative(file));
  timings[relative(file)] = { seconds: Number(seconds.toFixed(1)), lingered: Number(lingered.toFixed(1)) };
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.on(signal, () => {
    for (const child of running) killGroup(child);
    rmSync(scratch, { recursive: true, force: true });
    process.exit(128 + os.constants.signals[signal]);
  });

// --jobs lanes take the files that compute, then help with the waiting ones; one more lane
// takes only waiting files.
let number = 0;
async function lane(...queues) {
  for (;;) {
    const file = queues.find((queue) => queue.length > 0)?.shift();
    if (file === undefined) return;
    report(await runFile(file, number++));
  }
}
await Promise.all([
  ...Array.from({ length: jobs }, () => lane(computing, waiting)),
  ...(waitingLane ? [lane(waiting)] : []),
]);
rmSync(scratch, { recursive: true, force: true });

const wall = (performance.now() - started) / 1000;
if (options.timings) writeFileSync(options.timings, `${JSON.stringify(timings, null, 2)}\n`);
if (failedFiles.length > 0) console.log(`\nfailed: ${failedFiles.join(", ")}`);
const left = files.length - chosen.length;
console.log(
  `\n${chosen.length} files in ${wall.toFixed(1)} s, ${jobs} at a time` +
    (waitingLane ? " and one that mostly waits" : "") +
    (left ? ` (${left} files left out by --quick)` : ""),
);
console.log(
  `${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ""),
);
process.exitCode = totals.failed > 0 ? 1 : 0;
