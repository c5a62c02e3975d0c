// `futures serve` as a user runs it: a child process on explicit free ports, its printed
// lines, a clean exit on SIGTERM and SIGINT, and one clear line when a port is taken.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { cliArgs, PACKAGE_DIR } from "../helpers/cli.ts";
import { fetchRaw, freePort } from "./helpers.ts";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(args: string[]): Run {
  const child = spawn(process.execPath, cliArgs(["serve", ...args]), {
    cwd: PACKAGE_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exit = once(child, "exit").then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Wait until stdout has `text`, the child exits, or 20 s pass. */
async function waitFor(run: Run, text: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (run.stdout().includes(text)) return;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "${text}" in output:\n${run.stdout()}\n${run.stderr()}`);
}

async function threePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

/** The three port options of `futures serve`. */
function portArgs(local: number, delay: number, error: number): string[] {
  return ["--port", String(local), "--delay-port", String(delay), "--error-port", String(error)];
}

describe("futures serve", () => {
  it("starts the three listeners, prints them, serves, and exits 0 on SIGTERM", async () => {
    const [local, delay, error] = await threePorts();
    const run = serve([
      ...portArgs(local, delay, error),
      "--delay",
      "0.1:0.2",
      "--error-status",
      "418",
      "--seed",
      "99",
    ]);
    try {
      await waitFor(run, "Ctrl-C stops.");
      const lines = run.stdout().trim().split("\n");
      assert.equal(lines[0], `LOCAL  http://127.0.0.1:${local}/flags  serves the flags as fast as it can`);
      assert.equal(
        lines[1],
        `DELAY  http://127.0.0.1:${delay}/flags  delays every response by 0.1 to 0.2 s (uniformly at random)`,
      );
      assert.equal(
        lines[2],
        `ERROR  http://127.0.0.1:${error}/flags  25% get status 418 with Connection: close, ` +
          "50% are delayed by 0.5 s, 25% pass untouched",
      );
      assert.match(lines[3]!, /^Serving 194 flags from .*data; seed 99 \(--seed 99 repeats the faults\)\.$/);

      assert.equal((await fetchRaw(`http://127.0.0.1:${local}/flags/br/br.gif`)).status, 200);
      assert.equal((await fetchRaw(`http://127.0.0.1:${delay}/flags/br/br.gif`)).status, 200);
      const stats = JSON.parse((await fetchRaw(`http://127.0.0.1:${error}/stats`)).body.toString());
      assert.deepEqual(Object.keys(stats), ["LOCAL", "DELAY", "ERROR"]);
      assert.equal(stats.LOCAL.requests, 1);

      run.child.kill("SIGTERM");
      assert.equal(await run.exit, 0);
      assert.match(run.stdout(), /Stopped on SIGTERM\.\nLOCAL {2}1 flag request; statuses 1×200\n/);
      assert.equal(run.stderr(), "");
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("exits 0 on SIGINT (Ctrl-C) too", async () => {
    const [local, delay, error] = await threePorts();
    const run = serve(portArgs(local, delay, error));
    try {
      await waitFor(run, "Ctrl-C stops.");
      run.child.kill("SIGINT");
      assert.equal(await run.exit, 0);
      assert.match(run.stdout(), /Stopped on SIGINT\./);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("a port in use is one line on stderr and exit status 1", async () => {
    const [local, delay, error] = await threePorts();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(error, "127.0.0.1", resolve));
    try {
      const run = serve(portArgs(local, delay, error));
      assert.equal(await run.exit, 1);
      assert.equal(
        run.stderr(),
        `futures serve: ERROR cannot listen on 127.0.0.1:${error}: address already in use\n`,
      );
      assert.equal(run.stdout(), "");
    } finally {
      blocker.close();
    }
  });

  it("bad option values are usage errors: one line and the usage, exit status 2", async () => {
    const cases = [
      ["--delay", "fast"],
      ["--delay", "5:1"],
      ["--error-rate", "1.5"],
      ["--error-rate", "0.6"],
      ["--error-status", "200"],
      ["--port", "65536"],
      ["--throttle-bps", "0"],
      ["--seed", "-1"],
      ["--data", "/nonexistent/folder"],
    ];
    const runs = cases.map((args) => ({ args, run: serve(args) }));
    for (const { args, run } of runs) {
      assert.equal(await run.exit, 2, args.join(" "));
      const lines = run.stderr().trim().split("\n");
      assert.equal(lines.length, 2, run.stderr());
      assert.match(lines[0]!, /^futures serve: error: --/);
      assert.match(lines[1]!, /^Usage: futures serve \[options\]/);
    }
  });
});
