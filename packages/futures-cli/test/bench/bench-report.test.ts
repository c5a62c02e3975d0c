import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchHtml } from "../../src/bench/bench-html.ts";
import { median, type Measurement } from "../../src/bench/bench-measure.ts";
import {
  noisyCases,
  spreadHidesEffect,
  startupTable,
  suiteTable,
  summarize,
} from "../../src/bench/bench-summary.ts";
import { tableHtml, tableText } from "../../src/bench/report-table.ts";
import { barChart, niceTicks } from "../../src/bench/svg-chart.ts";
import { textTable } from "../../src/common/text-table.ts";

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

  it("keeps the fastest and slowest run, and the speedups they allow", () => {
    const two = summarize(measurements).find((row) => row.kind === "processes" && row.workers === 2)!;
    assert.deepEqual(two.secondsRange.RC4, [1.4, 1.6]);
    assert.deepEqual(two.speedupRange.RC4, [2 / 1.6, 4 / 1.4]);
    assert.deepEqual(two.startupRange, [200, 230]);
    assert.equal(spreadHidesEffect(two, "RC4"), false);
  });

  it("prints the book's table with min-max, and the start-up table without the event loop", () => {
    const rows = summarize(measurements);
    const table = tableText(suiteTable(rows));
    assert.match(
      table[0]!,
      /^executor\s+workers\s+RC4 time\s+RC4 speedup\s+RC4 min-max\s+SHA-256 time\s+SHA-256 speedup\s+SHA-256 min-max$/,
    );
    assert.match(
      table[3]!,
      /^processes\s+2\s+1\.50s\s+2\.00x\s+1\.40-1\.60s\s+0\.50s\s+2\.00x\s+0\.40-0\.60s$/,
    );
    const startup = tableText(startupTable(rows));
    assert.equal(startup.length, 4);
    assert.match(startup[3]!, /^processes\s+2\s+215 ms\s+200-230 ms$/);
  });

  it("renders one table model as text and as HTML with the same cells", () => {
    const model = suiteTable(summarize(measurements));
    const html = tableHtml(model);
    const htmlRows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]),
    );
    const text = tableText(model);
    const textRows = [text[0]!, ...text.slice(2)].map((line) => line.split(/\s{2,}/));
    const cells = [model.headers, ...model.rows].map((row) => [...row]);
    assert.deepEqual(htmlRows, cells);
    assert.deepEqual(textRows, cells);
    assert.match(
      html,
      /<td class="text">processes<\/td><td>2<\/td>/,
      "text columns are marked for left alignment",
    );
    assert.equal(
      tableHtml({ headers: ["a"], rows: [["<b>&"]], left: [] }),
      "<table>\n<tr><th>a</th></tr>\n<tr><td>&lt;b&gt;&amp;</td></tr>\n</table>",
    );
  });

  it("writes a self-contained HTML page with the tables and five charts, whiskers on every median", () => {
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
    const charts = page.match(/<svg [\s\S]*?<\/svg>/g)!;
    assert.equal(charts.length, 5);
    assert.match(
      page,
      /<td class="text">processes<\/td><td>2<\/td><td>1\.50s<\/td><td>2\.00x<\/td><td>1\.40-1\.60s<\/td>/,
    );
    assert.match(page, /middle size 4\.0 MiB/);
    // Speedup of each suite: processes (2 points) and async (1 point); RC4 and SHA-256 bars: 3 each; start-up: 2.
    const whiskers = (svg: string) => svg.match(/class="whisker"/g)?.length ?? 0;
    assert.deepEqual(charts.map(whiskers), [3, 3, 3, 3, 2]);
    assert.doesNotMatch(page, /spread of the runs is larger than the effect/);
    assert.doesNotMatch(page, /<script|https?:\/\/(?!www\.w3\.org)|NaN|undefined|Infinity/);
  });

  it("leaves out the speedup chart with --workers 1 and says why", () => {
    const oneWorker = measurements.filter((m) => m.workers === 1);
    const options = { maxWorkers: 1, runs: 3, jobs: 12, arcfourSize: 1024, shaSize: 1024, executors: [] };
    const page = benchHtml(summarize(oneWorker), options, new Date(0));
    const charts = page.match(/<svg [\s\S]*?<\/svg>/g)!;
    assert.equal(charts.length, 3);
    assert.doesNotMatch(page, /aria-label="[^"]*speedup/);
    assert.match(page, /No speedup chart: every executor ran with one worker only \(--workers 1\)/);
    // Legends list what is drawn: one entry ("1 worker") per bar chart.
    for (const chart of charts) assert.equal(chart.match(/class="legend"/g)?.length, 1);
  });

  it("says so when the spread of the runs is larger than the effect", () => {
    const noisy: Measurement[] = [
      { kind: "async", workers: 1, seconds: { RC4: [1, 3, 2], "SHA-256": [1, 1, 1] }, startupMs: [0] },
      { kind: "async", workers: 2, seconds: { RC4: [1.1, 1.2, 2.5], "SHA-256": [1, 1, 1] }, startupMs: [0] },
    ];
    const rows = summarize(noisy);
    const two = rows[1]!;
    assert.ok(two.speedup.RC4 > 1.6, "the median alone shows a speedup");
    assert.equal(spreadHidesEffect(two, "RC4"), true);
    assert.equal(spreadHidesEffect(two, "SHA-256"), false, "no effect, and no spread to hide one");
    assert.deepEqual(noisyCases(rows), [
      "RC4 on async with 2 workers: 1.67x, but the runs allow 0.40x to 2.73x",
    ]);
    assert.match(tableText(suiteTable(rows))[3]!, /1\.67x\*/);
    const options = { maxWorkers: 2, runs: 3, jobs: 12, arcfourSize: 1024, shaSize: 1024, executors: [] };
    const page = benchHtml(rows, options, new Date(0));
    assert.match(page, /The spread of the runs is larger than the effect \(marked \* in the table\) for:/);
    assert.match(page, /<li>RC4 on async with 2 workers: 1\.67x, but the runs allow 0\.40x to 2\.73x<\/li>/);
  });

  it("adds the download comparison when it was measured", () => {
    const options = { maxWorkers: 1, runs: 1, jobs: 1, arcfourSize: 1024, shaSize: 1024, executors: [] };
    const counts = "194 ok, 482 not found, 0 errors";
    const downloads = [
      {
        executor: "sequential",
        concurrency: 1,
        seconds: 0.6,
        secondsRange: [0.5, 0.7] as const,
        speedup: 1,
        counts,
      },
      {
        executor: "async",
        concurrency: 5,
        seconds: 0.3,
        secondsRange: [0.3, 0.3] as const,
        speedup: 2,
        counts,
      },
    ];
    const page = benchHtml(summarize(measurements), options, new Date(0), downloads);
    assert.match(page, /<h2>Downloads<\/h2>/);
    assert.match(
      page,
      /<td class="text">async<\/td><td>5<\/td><td>0\.30s<\/td><td>0\.30-0\.30s<\/td><td>2\.00x<\/td>/,
    );
    assert.equal(page.match(/<svg /g)?.length, 6);
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

  it("keeps the y-axis title clear of long tick labels like 0.002", () => {
    for (const values of [[0.0017, 0.0009], [0.00042], [1.5], [12_345]]) {
      const chart = barChart(
        "t",
        "seconds",
        [{ label: "g", bars: values.map((value) => ({ label: "b", value, color: "#000" })) }],
        "s",
      );
      const title = /class="y-title" transform="translate\(([\d.]+) /.exec(chart)!;
      // The rotated 12 px title spans 6 px either side of its centre.
      const titleRight = Number(title[1]) + 6;
      const ticks = [...chart.matchAll(/class="y-tick" x="([\d.]+)"[^>]*>([^<]+)</g)];
      assert.ok(ticks.length >= 2);
      for (const [, x, label] of ticks) {
        // 7 px per character is wider than system-ui's digits at 12 px.
        const labelLeft = Number(x) - label!.length * 7;
        assert.ok(
          labelLeft > titleRight + 2,
          `tick '${label}' starts at ${labelLeft}, the title ends at ${titleRight}`,
        );
      }
    }
  });
});
