import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { ProgressBar } from "../../src/flags-command/progress-bar.ts";
import { createProgressView } from "../../src/flags-command/progress.ts";
import { formatInterval, formatMeter, type MeterState } from "../../src/flags-command/tqdm-line.ts";
import { cliArgs } from "../helpers/cli.ts";
import { labelEnv, useFlagServer } from "../flags/helpers.ts";

/** A stream that says it is a terminal of `columns` and keeps what is written to it. */
function fakeTerminal(columns = 100): Writable & { text: string; columns: number } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string; isTTY: boolean; columns: number };
  stream.text = "";
  stream.isTTY = true;
  stream.columns = columns;
  return stream;
}

const ESC = String.fromCharCode(27);
const PROGRESS_BAR = fileURLToPath(new URL("../../src/flags-command/progress-bar.ts", import.meta.url));

/** The lines a bar drew, in order, without the escapes that erase and stop wrapping. */
function drawn(text: string): string[] {
  return text
    .split(/\r|\n/)
    .map((line) => line.replace(new RegExp(`${ESC}\\[\\??[0-9;]*[A-Za-z]`, "g"), ""))
    .filter((line) => line !== "");
}

const meter = (fields: Partial<MeterState>): string =>
  formatMeter({ n: 30, total: 194, elapsed: 3.77, rate: 9.5, unit: "flags", columns: 100, ...fields });

const result = { cc: "BR", status: "ok", attempts: 1, bytes: 1, elapsedMs: 1 } as const;

describe("tqdm line", () => {
  // Each expected line is what tqdm 4.64's format_meter prints for the same state and unit.
  it("draws what tqdm draws, at the full width, with partial blocks", () => {
    assert.equal(
      meter({}),
      " 15%|█████████                                                  | 30/194 [00:03<00:17,  9.50flags/s]",
    );
    assert.equal(
      meter({ n: 0, elapsed: 0, rate: undefined }),
      "  0%|                                                                    | 0/194 [00:00<?, ?flags/s]",
    );
    assert.equal(
      meter({ n: 194, rate: 51.46 }),
      "100%|██████████████████████████████████████████████████████████| 194/194 [00:03<00:00, 51.46flags/s]",
    );
    assert.equal(
      meter({ n: 1, total: 8, elapsed: 1, rate: 1, columns: 60 }),
      " 12%|██▊                   | 1/8 [00:01<00:07,  1.00flags/s]",
    );
    assert.equal(
      meter({ n: 676, total: 676, elapsed: 0.4, rate: 1690, columns: 80 }),
      "100%|████████████████████████████████████| 676/676 [00:00<00:00, 1690.00flags/s]",
    );
    assert.equal(meter({}).length, 100);
  });

  it("turns a rate below 1 over, and shows hours past the hour, as tqdm does", () => {
    assert.match(meter({ rate: 0.5 }), /\| 30\/194 \[00:03<05:28, {2}2\.00s\/flags\]$/);
    assert.match(meter({ elapsed: 4000 }), /\[1:06:40<00:17, {2}9\.50flags\/s\]$/);
  });

  it("truncates the clock as tqdm does: 3.77 s is 00:03", () => {
    assert.equal(formatInterval(3.77), "00:03");
    assert.equal(formatInterval(59.999), "00:59");
    assert.equal(formatInterval(3723.5), "1:02:03");
  });

  it("shrinks the bar, then drops it, the rate and the clock, but never cuts the count", () => {
    assert.equal(meter({ columns: 44 }), " 15%|▍  | 30/194 [00:03<00:17,  9.50flags/s]");
    assert.equal(meter({ columns: 42 }), " 15%|▏| 30/194 [00:03<00:17,  9.50flags/s]");
    assert.equal(meter({ columns: 40 }), " 15% 30/194 [00:03<00:17,  9.50flags/s]");
    assert.equal(meter({ columns: 30 }), " 15% 30/194 [00:03<00:17]");
    assert.equal(meter({ columns: 12 }), " 15% 30/194");
    for (let columns = 12; columns <= 120; columns++) assert.ok(meter({ columns }).length <= columns);
  });

  it("matches a real tqdm for many states (skipped without python3-tqdm)", (t) => {
    const python = "/usr/bin/python3";
    try {
      execFileSync(python, ["-c", "import tqdm"], { stdio: "ignore" });
    } catch {
      t.skip("no /usr/bin/python3 with tqdm (apt-get install python3-tqdm)");
      return;
    }
    const states: [number, number, number, number, number][] = [];
    for (const total of [7, 20, 194, 676])
      for (const n of [0, 1, Math.floor(total / 3), total - 1, total])
        for (const columns of [50, 80, 100, 133])
          states.push([n, total, n * 0.37 + 0.2, n ? n / 3.1 : 0, columns]);
    const script =
      "import json, sys\nfrom tqdm import tqdm\n" +
      "for n, t, e, r, c in json.load(sys.stdin):\n" +
      "    print(tqdm.format_meter(n, t, e, ncols=c, unit='flags', rate=r or None))\n";
    const theirs = execFileSync(python, ["-c", script], { input: JSON.stringify(states) })
      .toString()
      .trimEnd()
      .split("\n");
    const ours = states.map(([n, total, elapsed, rate, columns]) =>
      formatMeter({ n, total, elapsed, rate: rate || undefined, unit: "flags", columns }),
    );
    assert.deepEqual(ours, theirs);
  });
});

describe("progress bar", () => {
  it("redraws at most every 0.1 s, then ends with the average rate on a line of its own", () => {
    let now = 0;
    const terminal = fakeTerminal(100);
    const bar = new ProgressBar(terminal, 4, { unit: "flags", now: () => now });
    now = 0.05;
    bar.update(); // too soon after the first draw
    now = 1;
    bar.update();
    now = 2;
    bar.update();
    bar.stop();
    const lines = drawn(terminal.text);
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^ {2}0%\| +\| 0\/4 \[00:00<\?, \?flags\/s\]$/);
    // tqdm's smoothed rate while running (2 then 1 flag a second), the average at the end.
    assert.match(lines[1]!, /^ 50%\|[\u2588-\u258f ]+\| 2\/4 \[00:01<00:01, {2}2\.00flags\/s\]$/);
    assert.match(lines[2]!, /^ 75%\|[\u2588-\u258f ]+\| 3\/4 \[00:02<00:00, {2}1\.41flags\/s\]$/);
    assert.match(lines[3]!, /^ 75%\|[\u2588-\u258f ]+\| 3\/4 \[00:02<00:00, {2}1\.50flags\/s\]$/);
    assert.ok(terminal.text.endsWith("\n"));
    // One column short of the width, so the terminal never wraps it.
    for (const line of lines) assert.equal(line.length, 99);
  });

  it("erases from the start of its line to the end of the screen, draws unwrapped, and returns there", () => {
    let now = 0;
    const terminal = fakeTerminal(60);
    const bar = new ProgressBar(terminal, 4, { unit: "flags", now: () => now });
    now = 1;
    bar.update();
    bar.stop();
    // Each draw: \r, erase down, wrapping off, the line, wrapping on, back to the start; the last
    // one goes on to the next line instead.
    const draws = terminal.text.match(/\r[^\r\n]*[\r\n]/g) ?? [];
    assert.equal(draws.length, 3, JSON.stringify(terminal.text));
    for (const [i, draw] of draws.entries()) {
      const line = draw.slice(`\r${ESC}[J${ESC}[?7l`.length, -`${ESC}[?7h\r`.length);
      assert.equal(draw, `\r${ESC}[J${ESC}[?7l${line}${ESC}[?7h${i === 2 ? "\n" : "\r"}`);
      assert.equal(line.length, 59);
      assert.ok(!line.includes(ESC));
    }
  });

  it("ends its line when the process exits while it is drawn (a second Ctrl-C)", async () => {
    // A child whose bar is on its stdout, exiting with the bar drawn and not stopped.
    const script = [
      `import { ProgressBar } from ${JSON.stringify(PROGRESS_BAR)};`,
      "Object.assign(process.stdout, { columns: 50 });",
      "const bar = new ProgressBar(process.stdout, 4, { unit: 'flags' });",
      "bar.update(); process.exit(130);",
    ].join("\n");
    const child = spawn(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), "--input-type=module", "-e", script],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const [code] = await once(child, "close");
    assert.equal(code, 130);
    assert.ok(output.endsWith("\n"), JSON.stringify(output));
    assert.match(drawn(output).at(-1)!, /^ 25%\|[\u2588-\u258f ]+\| 1\/4 \[/);
  });

  it("follows a terminal resize", () => {
    const terminal = fakeTerminal(100);
    const bar = new ProgressBar(terminal, 10, { unit: "flags", now: () => 0 });
    terminal.columns = 60;
    terminal.emit("resize");
    bar.stop();
    assert.deepEqual(
      drawn(terminal.text).map((line) => line.length),
      [99, 59, 59],
    );
  });
});

describe("progress view", () => {
  it("counts settled codes, not cancelled ones", () => {
    const terminal = fakeTerminal();
    const view = createProgressView("bar", 4, terminal);
    view.update(result);
    view.update({ ...result, status: "not_found" });
    view.update({ ...result, status: "cancelled" });
    view.update({ ...result, status: "cancelled" });
    view.stop();
    assert.match(drawn(terminal.text).at(-1)!, /^ 50%\|[\u2588-\u258f ]+\| 2\/4 \[/);
  });

  it("prints one line per settled code in verbose mode, none for cancelled ones", () => {
    const terminal = fakeTerminal();
    const view = createProgressView("verbose", 3, terminal);
    view.update(result);
    view.update({ ...result, cc: "XX", status: "not_found" });
    view.update({ ...result, cc: "YY", status: "cancelled" });
    view.stop();
    assert.equal(terminal.text, "BR ok\nXX not found\n");
  });
});

describe("futures flags on a terminal", () => {
  const fixture = useFlagServer({ only: ["LOCAL", "DELAY"], delay: 0.5 });

  // script(1) runs the command on a pseudo-terminal of `columns`, as a user's shell would.
  function terminalCommand(args: string, columns: number): string {
    const command = [process.execPath, ...cliArgs(["flags"])].join(" ") + ` ${args} -d ${fixture.root}/dl`;
    return `stty cols ${columns} rows 24; exec ${command}`;
  }
  const terminalEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...labelEnv(fixture.server) });

  async function onTerminal(args: string, columns = 100): Promise<string> {
    const { stdout } = await promisify(execFile)(
      "script",
      ["-qec", terminalCommand(args, columns), "/dev/null"],
      {
        cwd: fixture.root,
        env: terminalEnv(),
      },
    );
    return stdout;
  }

  /** The bar's lines in the terminal's output. */
  const bars = (output: string): string[] => drawn(output).filter((line) => /^ *\d+%[| ]/.test(line));

  it("shows the progress bar, and not with --no-progress", async () => {
    assert.match(await onTerminal("-a --overwrite"), /100%\|\u2588+\| 194\/194 \[/);
    const quiet = await onTerminal("-a --overwrite --no-progress");
    assert.doesNotMatch(quiet, /194\/194/);
    assert.ok(!quiet.includes(ESC), "no escape codes without the bar");
    assert.match(quiet, /194 flags downloaded\./);
  });

  for (const columns of [40, 100]) {
    it(`fills a terminal of ${columns} columns and keeps the count`, async () => {
      const lines = bars(await onTerminal("-a --overwrite", columns));
      assert.ok(lines.length >= 2);
      for (const line of lines) {
        assert.ok(line.length <= columns, `${line.length} > ${columns}: ${line}`);
        assert.match(line, / \d+\/194( |$)/);
      }
      assert.match(lines.at(-1)!, /^100%.* 194\/194/);
      // At 100 columns the bar takes what the counters leave, as tqdm's does, but one column.
      if (columns === 100) assert.equal(lines.at(-1)!.length, 99);
    });
  }

  it("stops the bar where the work stopped on Ctrl-C", async () => {
    // ^C typed into the terminal: the line discipline sends SIGINT, as for a user.
    const child = spawn("script", ["-qec", terminalCommand("-s DELAY -a --overwrite", 100), "/dev/null"], {
      cwd: fixture.root,
      env: terminalEnv(),
      stdio: ["pipe", "pipe", "inherit"],
    });
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let output = "";
    let typed = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const counts = bars(output).map((line) => Number(/ (\d+)\/194/.exec(line)?.[1] ?? 0));
      if (!typed && Math.max(0, ...counts) >= 10) {
        typed = true;
        child.stdin.write("\x03");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(guard);
    child.stdin.destroy();
    assert.equal(code, 130, output);
    const downloaded = Number(/(\d+) flags downloaded\./.exec(output)?.[1]);
    assert.match(output, /\d+ cancelled\./);
    const last = bars(output).at(-1)!;
    assert.ok(downloaded >= 10 && downloaded < 194, output);
    const percent = Math.round((downloaded / 194) * 100);
    assert.match(last, new RegExp(`^ *${percent}%\\|.*\\| ${downloaded}/194 \\[`));
  });
});
