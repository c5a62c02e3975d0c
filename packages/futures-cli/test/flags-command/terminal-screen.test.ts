// `futures flags` in a real terminal: tmux runs it against a real `futures serve` with DELAY, so
// it is mid-run when Ctrl-C is typed or the window narrows, and the screen tmux shows afterwards
// must hold one bar line (never a second copy, never a fragment of an older, wider one) above
// the report. The server's stop summary after those interrupted runs must add up too.
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { cliArgs, PACKAGE_DIR } from "../helpers/cli.ts";
import { stopSummary } from "../helpers/stop-summary.ts";

const run = promisify(execFile);
const ROWS = 30;

let root: string;
let socket: string;
let server: ChildProcess;
let serverOutput = "";
let delayPort: number;
let sessions = 0;

/** A tmux command on this file's own tmux server; its output. */
async function tmux(...args: string[]): Promise<string> {
  try {
    return (await run("tmux", ["-S", socket, "-f", join(root, "tmux.conf"), ...args])).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("cannot run tmux (apt-get install tmux)");
    }
    throw error;
  }
}

/** Wait until `ready` gives a value, polling every 50 ms for `seconds` at most; `seen` tells what was there. */
async function until<T>(
  what: string,
  seconds: number,
  ready: () => Promise<T | undefined>,
  seen: () => Promise<string> = async () => "",
): Promise<T> {
  for (let tries = 0; tries < seconds * 20; tries++) {
    const value = await ready();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${seconds} s\n${await seen()}`);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "futures-terminal-"));
  socket = join(root, "tmux.sock");
  // The pane stays when the command ends, so its last screen can be read; no status line.
  await writeFile(join(root, "tmux.conf"), "set -g remain-on-exit on\nset -g status off\n");
  server = spawn(
    process.execPath,
    cliArgs(["serve", "--port", "0", "--delay-port", "0", "--error-port", "0", "--delay", "0.5"]),
    { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "inherit"] },
  );
  server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (serverOutput += chunk));
  delayPort = await until("futures serve started", 30, async () => {
    const port = /^DELAY {2}http:\/\/127\.0\.0\.1:(\d+)\/flags/m.exec(serverOutput)?.[1];
    return port && serverOutput.includes("Ctrl-C stops.") ? Number(port) : undefined;
  });
});

after(async () => {
  // The tmux server ends with its last session; one still there (a test failed) is ended by pid.
  const tmuxPid = await tmux("display-message", "-p", "#{pid}").catch(() => "");
  if (tmuxPid.trim() !== "") process.kill(Number(tmuxPid), "SIGTERM");
  if (server.exitCode === null) {
    server.kill("SIGKILL");
    await once(server, "exit");
  }
  await rm(root, { recursive: true, force: true });
});

/** The lines of a pane's screen that show a bar or a piece of one. */
function barLines(screen: string[]): string[] {
  return screen.filter((line) => /[\u2588-\u258f]|\d+%[| ]|\/194\b/.test(line));
}

/** A whole bar line: percent, count and clock, as drawn mid-run or at the end. */
const WHOLE_BAR = /^ *(\d+)%(?:\|.*\|)? (\d+)\/194 \[[^\]]+\]$/;

/** The count shown by the whole bar lines of the screen, the highest, or 0. */
function countShown(screen: string[]): number {
  return Math.max(0, ...screen.map((line) => Number(WHOLE_BAR.exec(line)?.[2] ?? 0)));
}

interface Session {
  name: string;
  screen(): Promise<string[]>;
  /** Wait until the bar shows at least `count` flags done. */
  reached(count: number): Promise<number>;
  /** Wait until the command has ended; its exit status, or the signal that ended it. */
  ended(): Promise<number | string>;
  close(): Promise<void>;
}

// What the pane runs: the command in front, in the terminal's foreground group as in a shell,
// and then its exit status on a line of its own (tmux does not always keep a pane's). Ctrl-C is
// the command's to answer; SIGTERM from the test ends both.
const IN_PANE = `
const { spawn } = require("node:child_process");
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: "inherit" });
process.on("SIGINT", () => {});
process.on("SIGTERM", () => { child.kill("SIGKILL"); process.exit(1); });
child.on("exit", (code, signal) => console.log("[exit " + (code ?? signal) + "]"))
`; // tmux would take an argument that ends in ";" for the end of its own command

/** `futures flags` against DELAY in a new tmux window of `columns`. */
async function startFlags(columns: number, args: string[]): Promise<Session> {
  const name = `flags-${++sessions}`;
  const command = [process.execPath, ...cliArgs(["flags", "-s", "DELAY", ...args])];
  const inPane = [process.execPath, "-e", IN_PANE, ...command, "-d", join(root, name), "--overwrite"];
  const env = ["-e", `FUTURES_DELAY_PORT=${delayPort}`, "-e", "FORCE_COLOR=0"];
  const size = ["-x", String(columns), "-y", String(ROWS)];
  await tmux("new-session", "-d", "-s", name, "-c", PACKAGE_DIR, ...size, ...env, "--", ...inPane);
  const panePid = Number(await tmux("display-message", "-p", "-t", name, "#{pane_pid}"));
  const screen = async () => (await tmux("capture-pane", "-p", "-t", name)).replace(/\n+$/, "").split("\n");
  const shown = async () => (await screen()).join("\n");
  const dead = async () => (await tmux("display-message", "-p", "-t", name, "#{pane_dead}")).trim() === "1";
  return {
    name,
    // The screen without the line the pane adds after the command.
    screen: async () =>
      (await screen()).map((line) => line.replace(/\[exit \w+\]$/, "")).filter((line) => line !== ""),
    reached: (count) =>
      until(
        `a bar at ${count} flags`,
        30,
        async () => {
          const done = countShown(await screen());
          return done >= count ? done : undefined;
        },
        shown,
      ),
    // Once the pane is dead, tmux has read all that the command wrote.
    ended: () =>
      until(
        "the command's end",
        30,
        async () => {
          if (!(await dead())) return undefined;
          const status = (await screen()).map((line) => /\[exit (\w+)\]$/.exec(line)?.[1]).find(Boolean);
          return status === undefined || Number.isNaN(Number(status)) ? status : Number(status);
        },
        shown,
      ),
    close: async () => {
      if (!(await dead())) process.kill(panePid, "SIGTERM");
      await tmux("kill-session", "-t", name);
    },
  };
}

/** The final screen holds one whole bar, within `columns` - 1, above the report of the same count. */
function assertOneFinalBar(screen: string[], columns: number): void {
  const text = screen.join("\n");
  const bars = barLines(screen);
  assert.equal(bars.length, 1, `one bar line on the screen:\n${text}`);
  const bar = bars[0]!;
  const match = WHOLE_BAR.exec(bar);
  assert.ok(match, `a whole bar, not a fragment: ${bar}`);
  assert.ok(bar.length <= columns - 1, `${bar.length} columns of ${columns}: ${bar}`);
  const downloaded = Number(/^ *(\d+) flags? downloaded\.$/m.exec(text)?.[1]);
  assert.equal(Number(match[2]), downloaded, text);
  const after = screen.slice(screen.indexOf(bar) + 1);
  assert.equal(after[0], "-".repeat(20), text);
  assert.match(text, /^ *\d+ cancelled\.$/m);
}

describe("futures flags in a terminal", () => {
  for (const columns of [120, 80, 40]) {
    it(`after Ctrl-C at ${columns} columns: one bar line, then the report`, async () => {
      const session = await startFlags(columns, ["-a", "-m", "4"]);
      try {
        await session.reached(4);
        await tmux("send-keys", "-t", session.name, "C-c");
        assert.equal(await session.ended(), 130);
        assertOneFinalBar(await session.screen(), columns);
      } finally {
        await session.close();
      }
    });
  }

  it("narrowed from 120 to 40 columns mid-run: no piece of the wide bar is left, then Ctrl-C", async () => {
    const session = await startFlags(120, ["-a", "-m", "4"]);
    try {
      const wide = await session.reached(4);
      assert.equal(barLines(await session.screen()).length, 1);
      await tmux("resize-window", "-t", session.name, "-x", "40", "-y", String(ROWS));
      // The bar redrawn at the new width, with more flags done than before the resize.
      const narrow = await until(
        "a narrow bar",
        30,
        async () => {
          const screen = await session.screen();
          const redrawn = screen.some((line) => WHOLE_BAR.test(line) && line.length <= 39);
          return redrawn && countShown(screen) > wide ? screen : undefined;
        },
        async () => (await session.screen()).join("\n"),
      );
      assert.deepEqual(
        barLines(narrow).map((line) => WHOLE_BAR.test(line) && line.length <= 39),
        [true],
        narrow.join("\n"),
      );
      await tmux("send-keys", "-t", session.name, "C-c");
      assert.equal(await session.ended(), 130);
      assertOneFinalBar(await session.screen(), 40);
    } finally {
      await session.close();
    }
  });

  it("a second Ctrl-C, which quits at once, still leaves one clean bar line", async () => {
    const session = await startFlags(80, ["-a", "-m", "4"]);
    try {
      await session.reached(4);
      await tmux("send-keys", "-t", session.name, "C-c");
      await tmux("send-keys", "-t", session.name, "C-c");
      // Whichever came first: the second Ctrl-C during the first one's clean-up (the command
      // quits at once, 130), or after the report (Node's default for SIGINT).
      assert.ok(["SIGINT", 130].includes(await session.ended()));
      const screen = await session.screen();
      const bars = barLines(screen);
      assert.equal(bars.length, 1, screen.join("\n"));
      assert.match(bars[0]!, WHOLE_BAR);
    } finally {
      await session.close();
    }
  });

  it("the server's stop summary after these interrupted runs adds up", async () => {
    server.kill("SIGINT");
    assert.equal((await once(server, "exit"))[0], 0);
    const summary = stopSummary(serverOutput, "DELAY");
    assert.equal(summary.total, summary.requests, summary.line);
    // The runs left while requests were delayed.
    assert.ok(summary.outcomes["closed by the client first"]! > 0, summary.line);
  });
});
