// `--dashboard`: headless Chromium opens the page during a real `futures flags -e -x
// processes` run against a slow server, and reads what it shows once the run is over: a lane
// and a utilisation line per process, a bar per call, counts that add up to the run's.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import os from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "puppeteer-core";
import { CallBoard, MAX_BARS } from "../../src/observe/call-board.ts";
import { findChromium, launchBrowser } from "../helpers/chromium.ts";
import { finished } from "../helpers/cli.ts";
import { labelEnv, spawnFlags, useFlagServer } from "../flags/helpers.ts";

const chromium = findChromium();
let env: NodeJS.ProcessEnv;
const fixture = useFlagServer({ only: ["DELAY"], delay: 0.01 }, (server) => {
  env = labelEnv(server);
});
let browser: Browser | undefined;
let folder: string;
before(async () => {
  folder = await mkdtemp(join(os.tmpdir(), "futures-dashboard-"));
  if (chromium) {
    browser = await launchBrowser(chromium, folder);
  }
});
after(async () => {
  await browser?.close();
  await rm(folder, { recursive: true, force: true });
});

/** What the page shows, read in the browser (a script as text: this file has no DOM types). */
const READ_PAGE = `({
  counts: Object.fromEntries(["submitted", "running", "done", "failed", "cancelled"]
    .map((id) => [id, Number(document.getElementById(id).textContent)])),
  lanes: [...document.querySelectorAll("#stream .lane")].map((lane) => ({
    name: lane.getAttribute("data-lane"),
    bars: lane.querySelectorAll("rect.bar").length,
  })),
  workers: [...document.querySelectorAll("#workers li")].map((li) => li.textContent),
  progress: document.getElementById("progress").value,
})`;
interface Shown {
  counts: Record<string, number>;
  lanes: { name: string; bars: number }[];
  workers: string[];
  progress: number;
}

/** The URL the command prints on stderr, once it does. */
function dashboardUrl(child: ReturnType<typeof spawnFlags>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(text)?.[1];
      if (url) resolve(url);
    });
    child.on("exit", () => reject(new Error(`the command ended without a dashboard: ${text}`)));
  });
}

describe("--dashboard", { skip: chromium ? false : "chromium is not installed" }, () => {
  it("shows a real processes run live: lanes, bars and counts that match the run", async () => {
    const child = spawnFlags(
      ["-e", "-x", "processes", "-m", "2", "-s", "DELAY", "-d", join(folder, "flags"), "--dashboard"],
      fixture.root,
      env,
    );
    const run = finished(child, 120_000);
    const url = await dashboardUrl(child);
    const page = await browser!.newPage();
    await page.setViewport({ width: 1200, height: 700 });
    await page.goto(url);
    await page.waitForSelector("body[data-state=finished]", { timeout: 110_000 });
    const shown = (await page.evaluate(READ_PAGE)) as Shown;
    const screenshot = join(process.env.FUTURES_SCREENSHOTS ?? folder, "dashboard-processes.png");
    await page.screenshot({ path: screenshot as `${string}.png` });
    await page.close();
    const { code, stdout } = await run;
    assert.equal(code, 0);
    assert.match(stdout, /194 flags downloaded\.\n482 not found\./);
    // Every code is one call of downloadOne, which reports 404 as a result, not an error.
    assert.deepEqual(shown.counts, { submitted: 676, running: 0, done: 676, failed: 0, cancelled: 0 });
    assert.equal(shown.progress, 676);
    assert.equal(shown.lanes.length, 2, JSON.stringify(shown.lanes));
    for (const lane of shown.lanes) assert.match(lane.name, /^ProcessPoolExecutor \d+ · process \d+$/);
    assert.equal(
      shown.lanes.reduce((sum, lane) => sum + lane.bars, 0),
      676,
    );
    assert.equal(shown.workers.length, 2);
    for (const line of shown.workers)
      assert.match(line, /^\d+% ProcessPoolExecutor \d+ · process \d+ · \d+ calls$/);
    assert.ok((await stat(screenshot)).size > 0);
  });

  it("answers only GET of / and /events, and only under its own host name", async () => {
    const child = spawnFlags(
      ["-x", "async", "-s", "DELAY", "-d", join(folder, "f2"), "--dashboard"],
      fixture.root,
      env,
    );
    const run = finished(child, 60_000);
    const url = new URL(await dashboardUrl(child));
    const status = (path: string, options: { method?: string; host?: string } = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: url.port,
            path,
            method: options.method ?? "GET",
            headers: { host: options.host ?? url.host },
          },
          (response) => {
            response.destroy();
            resolve(response.statusCode!);
          },
        );
        req.on("error", reject);
        req.end();
      });
    assert.equal(await status("/"), 200);
    assert.equal(await status("/", { host: "attacker.example" }), 403);
    assert.equal(await status("/", { method: "POST" }), 405);
    assert.equal(await status("/../etc/passwd"), 404);
    assert.equal((await run).code, 0);
  });
});

describe("CallBoard", () => {
  it("gives a page that connects between two ticks every bar once: the snapshot, then the next tick", () => {
    const board = new CallBoard(0);
    const end = (i: number) => {
      const call = { executor: "E 1", worker: "w", lane: "E 1 · w", task: "t", startedAt: i };
      board.submitted();
      board.started(call);
      board.ended("ok", { ...call, submittedAt: i, endedAt: i + 1, outcome: "ok" }, call);
    };
    for (let i = 0; i < 3; i++) end(i);
    board.tick(10); // sent to the pages connected then
    for (let i = 3; i < 5; i++) end(i);
    const page = [...board.snapshot(20).bars, ...board.tick(30).bars].map(([, start]) => start);
    assert.deepEqual(page, [0, 1, 2, 3, 4]);
  });

  it("draws a queue's call on the lane of the worker its outcome names, not where it waited", () => {
    const board = new CallBoard(0);
    const sent = {
      executor: "Q 1",
      worker: "sent to the queue",
      lane: "Q 1 · sent to the queue",
      task: "t",
      startedAt: 0,
    };
    board.submitted();
    board.started(sent);
    assert.deepEqual(board.tick(1).running, [[0, 0]]);
    const span = {
      ...sent,
      worker: "vm pid 7",
      submittedAt: 0,
      startedAt: 2,
      endedAt: 5,
      outcome: "ok" as const,
    };
    board.ended("ok", span, sent);
    const update = board.tick(6);
    assert.deepEqual(update.bars, [[1, 2, 5, 1]]);
    assert.deepEqual(update.running, []);
    assert.deepEqual(
      update.lanes.map(({ name, calls }) => [name, calls]),
      [
        ["Q 1 · sent to the queue", 0],
        ["Q 1 · vm pid 7", 1],
      ],
    );
    assert.equal(update.counts.running, 0);
  });

  it("keeps at most MAX_BARS bars for a page that connects late, and counts every call", () => {
    const board = new CallBoard(0);
    const calls = 3 * MAX_BARS;
    for (let i = 0; i < calls; i++) {
      const call = {
        executor: "AsyncExecutor 1",
        worker: "async slot 0",
        lane: "AsyncExecutor 1 · async slot 0",
        task: "t",
        startedAt: i,
      };
      board.submitted();
      board.started(call);
      board.ended("ok", { ...call, submittedAt: i, endedAt: i + 1, outcome: "ok" }, call);
    }
    assert.equal(board.tick(calls + 1).bars.length, MAX_BARS, "an update carries at most MAX_BARS new bars");
    assert.equal(board.tick(calls + 2).bars.length, 0);
    const snapshot = board.snapshot(calls + 3);
    assert.deepEqual(
      snapshot.bars.map(([, start]) => start),
      Array.from({ length: MAX_BARS }, (_, i) => calls - MAX_BARS + i),
      "the last MAX_BARS bars",
    );
    assert.deepEqual(snapshot.counts, { submitted: calls, running: 0, done: calls, failed: 0, cancelled: 0 });
    assert.equal(snapshot.lanes.length, 1);
    assert.ok(snapshot.lanes[0]!.utilisation > 0 && snapshot.lanes[0]!.utilisation <= 1);
  });
});
