import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_PRIMES } from "../../src/demos/demo-primes.ts";
import { timestamp } from "../../src/demos/display.ts";
import { runCli } from "../helpers/cli.ts";

const STAMP = /^\[\d\d:\d\d:\d\d\] /;

/** The messages without their timestamps, after checking every line has one. */
function messages(lines: string[]): string[] {
  for (const line of lines) assert.match(line, STAMP);
  return lines.map((line) => line.replace(STAMP, ""));
}

describe("timestamp", () => {
  it("is [HH:MM:SS] in local time", () => {
    assert.equal(timestamp(new Date(2024, 0, 2, 3, 4, 5)), "[03:04:05]");
    assert.equal(timestamp(new Date(2024, 0, 2, 23, 59, 9)), "[23:59:09]");
  });
});

describe("futures demo", () => {
  it("map: five loiter calls on three threads, results in input order", async () => {
    const run = await runCli(["demo", "map"]);
    assert.equal(run.code, 0, run.stderr);
    const lines = messages(run.lines);
    assert.equal(lines[0], "Script starting.");
    assert.match(lines[1]!, /^results: .*AsyncGenerator/);
    assert.equal(lines[2], "Waiting for individual results:");
    const at = (text: string) => {
      const index = lines.indexOf(text);
      assert.ok(index >= 0, `missing line '${text}'`);
      return index;
    };
    for (let n = 0; n < 5; n++) {
      const tabs = "\t".repeat(n);
      const started = at(`${tabs}loiter(${n}): doing nothing for ${n}s...`);
      const done = at(`${tabs}loiter(${n}): done.`);
      const result = at(`result ${n}: ${n * 10}`);
      assert.ok(started < done && done < result, `loiter(${n}) starts, ends, then its result`);
    }
    const results = lines.filter((line) => line.startsWith("result "));
    assert.deepEqual(
      results,
      [0, 1, 2, 3, 4].map((n) => `result ${n}: ${n * 10}`),
    );
    // At most three run at once (a worker prints "done." before it takes the next call), and
    // they do overlap: with sleeps of 1 to 4 seconds, never seeing two at once would mean
    // the threads took turns.
    let running = 0;
    let most = 0;
    for (const line of lines) {
      if (line.endsWith("s...")) most = Math.max(most, ++running);
      if (line.endsWith("): done.")) running--;
    }
    assert.ok(most <= 3, `${most} loiter calls ran at once on 3 threads`);
    assert.ok(most >= 2, "the loiter calls never overlapped");
    assert.equal(lines.length, 3 + 10 + 5);
  });

  it("primes: workers report each check, the main thread reads results in order", async () => {
    const run = await runCli(["demo", "primes"]);
    assert.equal(run.code, 0, run.stderr);
    const lines = messages(run.lines);
    assert.deepEqual(
      lines.slice(0, 3).map((line) => line.replace(/^results: .*/, "results: ")),
      ["Script starting.", "results: ", "Waiting for individual results:"],
    );
    const count = (suffix: string) => lines.filter((line) => line.endsWith(suffix)).length;
    assert.equal(count("): doing calculating..."), DEMO_PRIMES.length);
    assert.equal(count("): done."), DEMO_PRIMES.length);
    const expected = [
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
    ];
    assert.deepEqual(
      lines.filter((line) => line.startsWith("result ")),
      expected.map((prime, i) => `result ${i}: ${prime}`),
    );
  });
});
