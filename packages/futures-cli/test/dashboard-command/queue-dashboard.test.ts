// `futures dashboard --queue` as a user runs it: a real redis-server, two real `futures worker`
// processes, calls from a QueueExecutor of the test's own, and headless Chromium reading the
// page while they run: a lane per worker, columns of busy slots, counts that add up.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "puppeteer-core";
import { QueueExecutor } from "concurrent-futures/queue";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";
import { findChromium, launchBrowser } from "../helpers/chromium.ts";
import { finished, spawnCli, stderrUntil } from "../helpers/cli.ts";
import { spawnWorkerCli } from "../helpers/worker-cli.ts";
import { whereAmI } from "../fixtures/tasks.mjs";

const chromium = findChromium();
let redis: RedisServer;
let browser: Browser | undefined;
let folder: string;
/** Processes of this file still running: killed by pid at the end, should a test fail midway. */
const started = new Set<ChildProcess>();

before(async () => {
  redis = await startRedis();
  folder = await mkdtemp(join(os.tmpdir(), "futures-queue-dashboard-"));
  if (chromium) {
    browser = await launchBrowser(chromium, folder);
  }
});

after(async () => {
  for (const child of started) child.kill("SIGKILL");
  await browser?.close();
  await redis.stop();
  await rm(folder, { recursive: true, force: true });
});

/** What the page shows (a script as text: this file has no DOM types). */
const READ_PAGE = `({
  live: Number(document.getElementById("live").textContent),
  finished: [...document.querySelectorAll("#stream .lane")].reduce((sum, lane) => sum + Number(lane.dataset.finished), 0),
  lanes: [...document.querySelectorAll("#stream .lane")].map((lane) => ({
    name: lane.getAttribute("data-worker"),
    live: lane.classList.contains("live"),
    busy: [...lane.querySelectorAll("rect.busy")].filter((rect) => Number(rect.getAttribute("height")) > 0).length,
  })),
})`;
interface Shown {
  live: number;
  /** Jobs the workers say they finished in the last minute. */
  finished: number;
  lanes: { name: string; live: boolean; busy: number }[];
}

describe(
  "futures dashboard --queue",
  { skip: chromium ? false : "chromium is not installed", timeout: 120_000 },
  () => {
    it("shows both workers live, their busy slots while calls run, and the jobs completed", async () => {
      const queue = "watched-live";
      const workers = [0, 1].map(() =>
        spawnWorkerCli(started, redis.url, [queue], "--executor", "async", "--concurrency", "2"),
      );
      await Promise.all(workers.map((worker) => stderrUntil(worker, /Ctrl-C to stop/)));
      const dashboard = spawnCli(["dashboard", "--queue", queue, "--connection", redis.url]);
      started.add(dashboard);
      const url = await new Promise<string>((resolve, reject) => {
        let text = "";
        dashboard.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
          const found =
            /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/) shows queue 'watched-live'; Ctrl-C stops$/m.exec(text);
          if (found) resolve(found[1]!);
        });
        dashboard.once("exit", () => reject(new Error(`the dashboard ended: ${text}`)));
      });
      const page = await browser!.newPage();
      await page.setViewport({ width: 1200, height: 500 });
      await page.goto(url);
      await page.waitForFunction(`document.getElementById("live").textContent === "2"`, { timeout: 30_000 });

      await using executor = new QueueExecutor({ queue, connection: redis.url });
      const calls = Array.from({ length: 40 }, () => executor.submit(whereAmI, 300));
      // Four slots, 40 calls of 300 ms: for about 3 s the workers are busy, and the page shows it.
      await page.waitForFunction(
        `[...document.querySelectorAll("#stream .lane")].every((lane) =>
        [...lane.querySelectorAll("rect.busy")].some((rect) => Number(rect.getAttribute("height")) > 0))`,
        { timeout: 30_000 },
      );
      const pids = new Set((await Promise.all(calls)).map((where) => where.pid));
      assert.equal(pids.size, 2, "both workers ran calls");
      // Each worker's heartbeat says how many jobs it finished in the last minute.
      await page.waitForFunction(
        `[...document.querySelectorAll("#stream .lane")].reduce((sum, lane) => sum + Number(lane.dataset.finished), 0) >= 40`,
        { timeout: 30_000 },
      );
      const shown = (await page.evaluate(READ_PAGE)) as Shown;
      const screenshot = join(process.env.FUTURES_SCREENSHOTS ?? folder, "dashboard-queue.png");
      await page.screenshot({ path: screenshot as `${string}.png` });
      await page.close();

      assert.equal(shown.live, 2);
      assert.equal(shown.finished, 40);
      assert.equal(shown.lanes.length, 2);
      for (const lane of shown.lanes) {
        assert.equal(lane.live, true);
        assert.match(lane.name, /^\S+ pid \d+ · async ×2$/);
        assert.ok(
          [...pids].some((pid) => lane.name.includes(`pid ${pid} `)),
          lane.name,
        );
        assert.ok(lane.busy > 0, JSON.stringify(lane));
      }
      assert.ok((await stat(screenshot)).size > 0);

      dashboard.kill("SIGINT");
      assert.equal((await finished(dashboard)).code, 0);
      for (const worker of workers) worker.kill("SIGINT");
    });
  },
);
