import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { createProgressView } from "../../src/flags/progress.ts";
import { cliArgs } from "../helpers/cli.ts";
import { labelEnv, useFlagServer } from "./helpers.ts";

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTerminal(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string; isTTY: boolean; columns: number };
  stream.text = "";
  stream.isTTY = true;
  stream.columns = 100;
  return stream;
}

const result = { cc: "BR", status: "ok", attempts: 1, bytes: 1, elapsedMs: 1 } as const;

describe("progress view", () => {
  it("draws a tqdm-like bar: percent, bar, count/total, elapsed<remaining, rate", async () => {
    const terminal = fakeTerminal();
    const view = await createProgressView("bar", 4, terminal);
    for (let i = 0; i < 4; i++) view.update(result);
    view.stop();
    assert.match(terminal.text, / {2}0%\| {30}\| 0\/4 \[00:00<\?, \? flags\/s\]/);
    assert.match(terminal.text, /100%\|\u2588{30}\| 4\/4 \[00:00<00:00, [\d.]+ flags\/s\]/);
  });

  it("prints one line per settled code in verbose mode, none for cancelled ones", async () => {
    const terminal = fakeTerminal();
    const view = await createProgressView("verbose", 3, terminal);
    view.update(result);
    view.update({ ...result, cc: "XX", status: "not_found" });
    view.update({ ...result, cc: "YY", status: "cancelled" });
    view.stop();
    assert.equal(terminal.text, "BR ok\nXX not found\n");
  });
});

describe("futures flags on a terminal", () => {
  const fixture = useFlagServer({ only: ["LOCAL"] });

  // script(1) runs the command on a pseudo-terminal, as a user's shell would.
  async function onTerminal(args: string): Promise<string> {
    const command = [process.execPath, ...cliArgs(["flags"])].join(" ") + ` ${args} -d ${fixture.root}/dl`;
    const { stdout } = await promisify(execFile)("script", ["-qec", command, "/dev/null"], {
      cwd: fixture.root,
      env: { ...process.env, ...labelEnv(fixture.server) },
    });
    return stdout;
  }

  it("shows the progress bar, and not with --no-progress", async () => {
    assert.match(await onTerminal("-a --overwrite"), /100%\|\u2588+\| 194\/194 \[/);
    const quiet = await onTerminal("-a --overwrite --no-progress");
    assert.doesNotMatch(quiet, /194\/194/);
    assert.match(quiet, /194 flags downloaded\./);
  });
});
