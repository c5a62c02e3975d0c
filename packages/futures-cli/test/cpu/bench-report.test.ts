import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchHtml } from "../../src/cpu/bench-html.ts";
import { median, type Measurement } from "../../src/cpu/bench-measure.ts";
import { startupTable, suiteTable, summarize } from "../../src/cpu/bench-summary.ts";
import { escapeXml, niceTicks } from "../../src/cpu/svg-chart.ts";
import { textTable } from "../../src/cli/text-table.ts";

const measurements: Measurement[] = [
  {
    kind: "processes",
    workers: 1,
    seconds: { RC4: [4, 2, 3], "SHA-256": [1, 1, 1] },
    startupMs: [100, 120, 110],
  },
  {
    kind: "processes",
    workers: 2,
    seconds: { RC4: [1.5, 1.6, 1.4], "SHA-256": [0.5, 0.6, 0.4] },
    startupMs: [200, 210, 230, 220],
  },
  { kind: "async", workers: 1, seconds: { RC4: [3], "SHA-256": [1] }, startupMs: [0] },
];

describe("bench summary", () => {
  it("takes medians", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });

  it("computes speedups against one worker of the same executor", () => {
    const rows = summarize(measurements);
    assert.equal(rows.length, 3);
    const two = rows.find((row) => row.kind === "processes" && row.workers === 2)!;
    assert.equal(two.seconds.RC4, 1.5);
    assert.equal(two.speedup.RC4, 2);
    assert.equal(two.speedup["SHA-256"], 2);
    assert.equal(two.startupMs, 215);
    assert.equal(rows.find((row) => row.kind === "async")!.speedup.RC4, 1);
  });

  it("prints the book's table and the start-up table without the event loop", () => {
    const rows = summarize(measurements);
    const table = suiteTable(rows);
    assert.match(table[0]!, /^executor\s+workers\s+RC4 time\s+RC4 speedup\s+SHA-256 time\s+SHA-256 speedup$/);
    assert.match(table[3]!, /^processes\s+2\s+1\.50s\s+2\.00x\s+0\.50s\s+2\.00x$/);
    const startup = startupTable(rows);
    assert.equal(startup.length, 4);
    assert.match(startup[3]!, /^processes\s+2\s+215 ms$/);
  });

  it("writes a self-contained HTML page with the tables and four charts", () => {
    const options = {
      maxWorkers: 2,
      runs: 3,
      jobs: 12,
      arcfourSize: 2 ** 22,
      shaSize: 2 ** 24,
      executors: [],
    };
    const page = benchHtml(summarize(measurements), options, new Date(0));
    assert.match(page, /^<!doctype html>/);
    assert.equal(page.match(/<svg /g)?.length, 4);
    assert.match(page, /<td>processes<\/td><td>2<\/td><td>1\.50 s<\/td><td>2\.00x<\/td>/);
    assert.match(page, /middle size 4\.0 MiB/);
    assert.doesNotMatch(page, /<script|https?:\/\/(?!www\.w3\.org)|NaN|undefined|Infinity/);
  });

  it("adds the download comparison when it was measured", () => {
    const options = { maxWorkers: 1, runs: 1, jobs: 1, arcfourSize: 1024, shaSize: 1024, executors: [] };
    const downloads = [
      {
        executor: "sequential",
        concurrency: 1,
        seconds: 0.6,
        speedup: 1,
        counts: "194 ok, 482 not found, 0 errors",
      },
      {
        executor: "async",
        concurrency: 5,
        seconds: 0.3,
        speedup: 2,
        counts: "194 ok, 482 not found, 0 errors",
      },
    ];
    const page = benchHtml(summarize(measurements), options, new Date(0), downloads);
    assert.match(page, /<h2>Downloads<\/h2>/);
    assert.match(page, /<td>async<\/td><td>5<\/td><td>0\.30 s<\/td><td>2\.00x<\/td>/);
    assert.equal(page.match(/<svg /g)?.length, 5);
    assert.equal(benchHtml(summarize(measurements), options, new Date(0)).includes("Downloads"), false);
  });
});

describe("report helpers", () => {
  it("pads text columns, names left and numbers right", () => {
    assert.deepEqual(
      textTable(
        ["name", "n"],
        [
          ["a", "10"],
          ["bbb", "2"],
        ],
      ),
      ["name   n", "----  --", "a     10", "bbb    2"],
    );
  });

  it("picks round ticks that cover the maximum", () => {
    assert.deepEqual(niceTicks(1.9), [0, 0.5, 1, 1.5, 2]);
    assert.deepEqual(niceTicks(340), [0, 100, 200, 300, 400]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });

  it("escapes text for SVG and HTML", () => {
    assert.equal(escapeXml(`<a href="x">&'`), "&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
  });
});
