// `futures serve` as a user runs it: a child process on explicit free ports, its printed
// lines, a clean exit on SIGTERM and SIGINT, and one clear line when a port is taken.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { request, type ClientRequest } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FAULT_KINDS } from "../../src/server/fault-kinds.ts";
import { isLoopback } from "../../src/server/loopback.ts";
import { cliArgs, PACKAGE_DIR, runCli } from "../helpers/cli.ts";
import { stopSummary } from "../helpers/stop-summary.ts";
import { fetchRaw, freePort } from "../server/helpers.ts";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, cliArgs(["serve", ...args]), {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
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
  it("listens where FUTURES_*_PORT point, as futures flags looks for it", async () => {
    const [local, delay, error] = await threePorts();
    const env = {
      FUTURES_LOCAL_PORT: String(local),
      FUTURES_DELAY_PORT: String(delay),
      FUTURES_ERROR_PORT: String(error),
    };
    const run = serve([], env);
    try {
      await waitFor(run, "Ctrl-C stops.");
      for (const port of [local, delay, error])
        assert.ok(run.stdout().includes(`http://127.0.0.1:${port}/flags`));
      assert.equal((await fetchRaw(`http://127.0.0.1:${local}/flags/br/br.gif`)).status, 200);
    } finally {
      run.child.kill("SIGTERM");
      await run.exit;
    }
  });

  it("refuses a FUTURES_*_PORT that is not a port, in one line", async () => {
    const run = serve([], { FUTURES_DELAY_PORT: "eighty" });
    assert.equal(await run.exit, 2);
    assert.match(run.stderr(), /FUTURES_DELAY_PORT must be a port number from 1 to 65535, got 'eighty'/);
  });

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
      assert.match(run.stdout(), /Stopped on SIGTERM\.\nLOCAL {2}1 flag request: 1×200\n/);
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
        `futures serve: ERROR cannot listen on 127.0.0.1:${error}: address already in use; ` +
          "choose another port with --error-port N, or --error-port 0 for a free one\n",
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
      ["--error-rate", "0.6", "--delay-rate", "0.5"],
      ["--hang-timeout", "0"],
      ["--delay", "9999999999"],
      ["--max-connections", "0"],
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

  it("rates the user gave adding up to more than 1 are refused, naming them", async () => {
    const run = serve(["--error-rate", "0.6", "--delay-rate", "0.5"]);
    assert.equal(await run.exit, 2);
    assert.equal(
      run.stderr().split("\n")[0],
      "futures serve: error: --error-rate 0.6 + --delay-rate 0.5 add up to 1.1; " +
        "at most 1 is possible, as a request gets one fault at most",
    );
  });

  it("the stop summary adds up: a client that left mid-answer, requests in flight at the stop", async () => {
    const [local, delay, error] = await threePorts();
    const run = serve([
      ...portArgs(local, delay, error),
      ...["--error-rate", "0.2", "--delay-rate", "0.3", "--error-delay", "60"],
      ...["--throttle-rate", "0.3", "--throttle-bps", "10", "--seed", "5"],
    ]);
    const requests: ClientRequest[] = [];
    try {
      await waitFor(run, "Ctrl-C stops.");
      const get = (path: string) => {
        const req = request(`http://127.0.0.1:${error}${path}`, { agent: false });
        req.on("error", () => {});
        requests.push(req.end());
        return req;
      };
      // Answers that start at once: a throttled body the client leaves after its first bytes.
      for (let i = 0; i < 12; i++) {
        const req = get(`/flags/br/br.gif?${i}`);
        req.once("response", (res) => res.once("data", () => req.destroy()));
      }
      for (let i = 0; i < 12; i++) get(`/flags/zz/zz.gif?${i}`);
      let stats = { ERROR: { requests: 0 } };
      for (let tries = 0; tries < 200 && stats.ERROR.requests < 24; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stats = JSON.parse((await fetchRaw(`http://127.0.0.1:${error}/stats`)).body.toString());
      }
      assert.equal(stats.ERROR.requests, 24);
      run.child.kill("SIGINT");
      assert.equal(await run.exit, 0);
      const summary = stopSummary(run.stdout(), "ERROR");
      assert.equal(summary.requests, 24, summary.line);
      assert.equal(summary.total, 24, summary.line);
      assert.ok(summary.outcomes["cut off by the stop"]! > 0, summary.line);
      assert.match(summary.line, /answers? cut short by the client/);
    } finally {
      for (const req of requests) req.destroy();
      run.child.kill("SIGKILL");
    }
  });

  it("--error-rate 1 alone is accepted: the delay rate it did not give shrinks to 0", async () => {
    const [local, delay, error] = await threePorts();
    const run = serve([...portArgs(local, delay, error), "--error-rate", "1", "--error-status", "503"]);
    try {
      await waitFor(run, "Ctrl-C stops.");
      assert.equal(
        run.stdout().split("\n")[2],
        `ERROR  http://127.0.0.1:${error}/flags  100% get status 503 with Connection: close`,
      );
      for (let i = 0; i < 5; i++) {
        assert.equal((await fetchRaw(`http://127.0.0.1:${error}/flags/br/br.gif`)).status, 503);
      }
      run.child.kill("SIGTERM");
      assert.equal(await run.exit, 0);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("warns in one line when the address lets other machines in", async () => {
    const [local, delay, error] = await threePorts();
    const run = serve([...portArgs(local, delay, error), "--host", "0.0.0.0"]);
    try {
      await waitFor(run, "Ctrl-C stops.");
      assert.equal(
        run.stderr(),
        "futures serve: warning: 0.0.0.0 is not a loopback address: other machines can reach the " +
          "flag server, its ERROR listener included (--host 127.0.0.1 keeps it on this machine)\n",
      );
      // This test talks to it over loopback only.
      assert.equal((await fetchRaw(`http://127.0.0.1:${local}/flags/br/br.gif`)).status, 200);
      run.child.kill("SIGTERM");
      assert.equal(await run.exit, 0);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("tells loopback addresses from others", () => {
    for (const host of [
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
      "localhost",
    ]) {
      assert.equal(isLoopback(host), true, host);
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "::ffff:10.0.0.1", "example.com"]) {
      assert.equal(isLoopback(host), false, host);
    }
  });

  it("--help shows every option with its default unquoted", async () => {
    const result = await runCli(["serve", "--help"]);
    assert.equal(result.code, 0);
    const help = result.stdout.replace(/\s+/g, " ");
    assert.doesNotMatch(help, /\(default: "/);
    for (const text of [
      "--port <N> LOCAL port; 0 picks a free one (default: 8001)",
      "--delay-port <N> DELAY port (default: 8002)",
      "--error-port <N> ERROR port (default: 8003)",
      "--host <H> address to bind; any but loopback lets other machines in (default: 127.0.0.1)",
      "--error-rate <R> ERROR: share of requests answered with an error status (default: 0.25, less if the rates given leave less)",
      "--reset-rate <R> ERROR: share of connections reset without an answer (default: 0)",
      "--error-status <LIST> ERROR: statuses an error is drawn from, e.g. 418 (default: 500,501,502,503)",
      "--hang-timeout <SECONDS> ERROR: seconds before the server drops a request it never answers (default: 60)",
    ]) {
      assert.ok(help.includes(text), `${text}\nin\n${help}`);
    }
    // Every fault kind of the table has its flags in the help.
    for (const row of FAULT_KINDS) {
      assert.ok(help.includes(`${row.flag} <R> ERROR: ${row.help} (default: ${row.defaultRate}`), row.flag);
      for (const setting of row.settings)
        assert.ok(help.includes(`${setting.flag} ${setting.arg}`), setting.flag);
    }
  });

  it("prints the start-up lines the README shows", async () => {
    const readme = await readFile(join(PACKAGE_DIR, "README.md"), "utf8");
    const block = /It prints where each listener is[\s\S]*?\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, "the README shows the start-up output");
    const seed = /; seed (\d+) /.exec(block)?.[1];
    assert.ok(seed, "the README's output names its seed");
    const [local, delay, error] = await threePorts();
    const run = serve([...portArgs(local, delay, error), "--seed", seed]);
    try {
      await waitFor(run, "Ctrl-C stops.");
      // The ports and the data folder differ from machine to machine; the rest is verbatim.
      const normalise = (text: string) =>
        text
          .trimEnd()
          .split("\n")
          .map((line) =>
            line.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT").replace(/ from \/.*\/data;/, " from DATA;"),
          );
      assert.deepEqual(normalise(run.stdout()), normalise(block));
    } finally {
      run.child.kill("SIGKILL");
    }
  });
});
