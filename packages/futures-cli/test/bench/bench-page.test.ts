import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchHtml } from "../../src/bench/bench-html.ts";
import type { Measurement } from "../../src/bench/bench-measure.ts";
import { summarize } from "../../src/bench/bench-summary.ts";
import type { DownloadRow } from "../../src/bench/download-bench.ts";
import { findChromium, layoutWidths } from "../helpers/chromium.ts";

// A shared machine's runs, fixed: one slow one-worker run of SHA-256 on threads lets the
// speedups of that case reach 15x, against medians near 1 to 2.
const measure = (kind: Measurement["kind"], workers: number, rc4: number[], sha: number[]): Measurement => ({
  kind,
  workers,
  seconds: { RC4: rc4, "SHA-256": sha },
  startupMs: [100 * workers, 110 * workers, 130 * workers],
});
const measurements: Measurement[] = [
  measure("processes", 1, [2.0, 2.1, 2.4], [1.0, 1.1, 1.2]),
  measure("processes", 2, [1.1, 1.2, 1.5], [0.6, 0.6, 0.7]),
  measure("processes", 3, [0.8, 0.9, 1.1], [0.4, 0.45, 0.5]),
  measure("threads", 1, [2.0, 2.2, 2.3], [1.0, 1.0, 4.5]),
  measure("threads", 2, [1.2, 1.2, 1.3], [0.3, 0.55, 0.6]),
  measure("threads", 3, [0.9, 1.0, 1.0], [0.4, 0.4, 0.5]),
  measure("async", 1, [2.0, 2.0, 2.1], [1.0, 1.0, 1.0]),
  measure("async", 2, [1.9, 2.0, 2.4], [0.9, 1.0, 1.1]),
  measure("async", 3, [2.0, 2.1, 2.2], [1.0, 1.0, 1.2]),
];
const counts = "194 ok, 482 not found, 0 errors";
const download = (
  executor: string,
  concurrency: number,
  seconds: number,
  low: number,
  high: number,
): DownloadRow => ({
  executor,
  concurrency,
  seconds,
  secondsRange: [low, high],
  speedup: 0.81 / seconds,
  counts,
});
const downloads = [
  download("sequential", 1, 0.81, 0.4, 1.19),
  download("threads", 30, 9.52, 6.81, 12.16),
  download("processes", 4, 3.23, 2.37, 3.81),
  download("async", 5, 0.2, 0.16, 0.22),
];
const options = { maxWorkers: 3, runs: 3, jobs: 12, arcfourSize: 2 ** 23, shaSize: 2 ** 25, executors: [] };
const rows = summarize(measurements);
const page = benchHtml(rows, options, new Date(0), downloads);

interface Figure {
  title: string;
  svg: string;
  caption: string;
}

function figures(html: string): Figure[] {
  return [
    ...html.matchAll(
      /<figure class="chart">\s*(<svg [\s\S]*?<\/svg>)\s*<figcaption>([\s\S]*?)<\/figcaption>/g,
    ),
  ].map(([, svg, caption]) => ({
    title: /aria-label="([^"]*)"/.exec(svg!)![1]!,
    svg: svg!,
    caption: caption!.replace(/<[^>]+>/g, "").replace(/&nbsp;/g, " "),
  }));
}

/** The horizontal extent of each whisker: its line, its caps and any marker of a cut top. */
function whiskerSpans(svg: string): [number, number][] {
  return [...svg.matchAll(/<g class="whisker"[^>]*>([\s\S]*?)<\/g>/g)].map(([, body]) => {
    const xs = [
      ...[...body!.matchAll(/x[12]="([-\d.]+)"/g)].map((m) => Number(m[1])),
      ...[...body!.matchAll(/[ML]([-\d.]+),/g)].map((m) => Number(m[1])),
    ];
    return [Math.min(...xs), Math.max(...xs)];
  });
}

const yMax = (svg: string) =>
  Math.max(...[...svg.matchAll(/class="y-tick"[^>]*>([^<]+)</g)].map((m) => Number(m[1])));

describe("bench page", () => {
  const all = figures(page);
  const speedups = all.filter((f) => /speedup/.test(f.title));

  it("draws every chart as a figure: two speedup charts, two of seconds, start-up and downloads", () => {
    assert.deepEqual(
      all.map((f) => f.title),
      [
        "RC4: speedup over 1 worker",
        "SHA-256: speedup over 1 worker",
        "RC4: seconds per executor",
        "SHA-256: seconds per executor",
        "Pool start-up",
        "Downloads: futures flags -e",
      ],
    );
    assert.equal(page.match(/<svg /g)?.length, all.length, "no chart outside a figure");
  });

  it("sets the series side by side, so that no two whiskers overlap", () => {
    for (const { title, svg } of all) {
      const spans = whiskerSpans(svg).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) {
        assert.ok(
          spans[i]![0] > spans[i - 1]![1],
          `${title}: whiskers at ${spans[i - 1]} and ${spans[i]} overlap`,
        );
      }
    }
    // Three executors at each of three worker counts: three whiskers share each x.
    for (const { svg } of speedups) assert.equal(whiskerSpans(svg).length, 9);
  });

  it("fits the y axis to the medians and cuts an outlier whisker, marking it", () => {
    const largestMedian = Math.max(...rows.flatMap((row) => [row.speedup.RC4, row.speedup["SHA-256"]]));
    const top = Math.max(largestMedian, options.maxWorkers);
    const outlier = rows.find((row) => row.kind === "threads" && row.workers === 2)!.speedupRange[
      "SHA-256"
    ][1];
    assert.ok(outlier >= 14, `the fixture's outlier reaches ${outlier}`);
    for (const { title, svg } of speedups) {
      assert.ok(
        yMax(svg) <= 2 * top,
        `${title}: the axis reaches ${yMax(svg)}, the medians and ideal ${top}`,
      );
      assert.equal(yMax(svg), yMax(speedups[0]!.svg), "both speedup charts share one axis");
    }
    const [rc4, sha] = speedups;
    // The slow one-worker run stretches the whiskers of two and three threads: both are cut.
    assert.equal(sha!.svg.match(/class="clipped"/g)?.length, 2, "the outlier whiskers are cut and marked");
    assert.doesNotMatch(rc4!.svg, /class="clipped"/);
    // The same slow run cuts a whisker of the SHA-256 seconds; every chart with a cut one says so.
    assert.match(all[3]!.svg, /class="clipped"/);
    for (const { title, svg, caption } of all) {
      const says = /a whisker ending in ▲ runs past the top of the axis/.test(caption);
      assert.equal(says, svg.includes('class="clipped"'), `${title}: '${caption}'`);
    }
    for (const { title, svg } of all.filter((f) => !speedups.includes(f))) {
      const medians = [...svg.matchAll(/<rect [^>]*><title>[^<]*: ([\d.]+) (?:s|ms)/g)].map((m) =>
        Number(m[1]),
      );
      assert.ok(yMax(svg) <= 4 * Math.max(...medians), `${title}: the axis reaches ${yMax(svg)}`);
    }
  });

  it("says in one sentence under each chart what it shows", () => {
    for (const { title, caption } of all) {
      assert.match(caption, /^[A-Z][\s\S]*\.$/, `${title}: '${caption}'`);
      assert.doesNotMatch(caption, /[.!?]\s+[A-Z]/, `${title}: more than one sentence: '${caption}'`);
    }
    assert.match(
      all[0]!.caption,
      /^RC4 jobs: each executor's speedup over one worker of its own \(dots: the medians/,
    );
    assert.match(all[2]!.caption, /^Median seconds for the 12 RC4 jobs on each executor with 1 to 3 workers/);
  });

  it("explains under the downloads chart why threads cost what they cost in Node", () => {
    const { caption } = all.at(-1)!;
    assert.match(
      caption,
      /threads took 9\.52 s and async 0\.20 s: -x threads runs its 30 downloads as \d+ threads? of \d+ at once, since each worker thread is a whole V8 isolate, with its own module graph and heap/,
    );
    assert.match(caption, /loads the downloader's code and its own HTTP stack/);
    assert.match(caption, /threads help I\/O holds in Python because its threads share one interpreter/);
    assert.match(
      caption,
      /in Node the event loop already overlaps I\/O, so -x async is the executor for downloads\.$/,
    );
  });

  const chromium = findChromium();
  it(
    "fits a phone's width (390 px) without scrolling sideways, and a desktop's",
    { skip: chromium ? false : "chromium is not installed" },
    async () => {
      const [phone, desktop] = await layoutWidths(chromium!, page, [390, 1280]);
      assert.equal(phone!.innerWidth, 390);
      assert.ok(phone!.scrollWidth <= 390, `the page is ${phone!.scrollWidth} px wide at 390 px`);
      assert.equal(desktop!.innerWidth, 1280);
      assert.ok(desktop!.scrollWidth <= 1280, `the page is ${desktop!.scrollWidth} px wide at 1280 px`);
    },
  );
});
