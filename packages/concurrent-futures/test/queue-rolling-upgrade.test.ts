// A queue upgraded one worker at a time, on a real redis-server: workers of versions 1.2.0 and
// 1.3.0 of a task package serve one queue while a producer of 1.3.0 (and one of 1.2.0)
// submits; a producer of 2.0.0 is refused by both with a TypeError. Each version is a copy of
// the package in a folder of its own, as two hosts would install it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { QueueExecutor, QueueWorker } from "../src/queue-executor/index.ts";
import { compatibleVersions } from "../src/queue-executor/task-versions.ts";
import type { Task } from "../src/task.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

const QUEUE = "rolling";
const library = new URL("../src/index.ts", import.meta.url).href;
let redis: RedisServer;
let root: string;
const workers: QueueWorker[] = [];

/**
 * Version `version` of the package "rolling-tasks", installed in a folder of its own. Its task
 * `whoami(folder)` notes that it started, waits for `folder/release`, and returns the version.
 */
function install(version: string): string {
  const folder = path.join(root, version);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name: "rolling-tasks", version }));
  writeFileSync(
    path.join(folder, "tasks.mjs"),
    `import { existsSync, writeFileSync } from "node:fs";
import { task } from ${JSON.stringify(library)};
export const whoami = task(import.meta.url, "whoami", async (folder) => {
  writeFileSync(folder + "/started-${version}", "");
  while (!existsSync(folder + "/release")) await new Promise((resolve) => setTimeout(resolve, 10));
  return "${version}";
});
`,
  );
  return path.join(folder, "tasks.mjs");
}

type Whoami = Task<(folder: string) => Promise<string>>;

async function whoamiOf(version: string): Promise<Whoami> {
  const url = pathToFileURL(path.join(root, version, "tasks.mjs")).href;
  return ((await import(url)) as { whoami: Whoami }).whoami;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

before(async () => {
  redis = await startRedis();
  root = mkdtempSync(path.join(os.tmpdir(), "futures-rolling-"));
  for (const version of ["1.2.0", "1.3.0", "2.0.0"]) install(version);
  // One worker of each version still in service, each running one task at a time.
  for (const version of ["1.2.0", "1.3.0"]) {
    const worker = new QueueWorker({
      queue: QUEUE,
      connection: redis.url,
      imports: [path.join(root, version, "tasks.mjs")],
      executor: "async",
      concurrency: 1,
    });
    workers.push(worker);
    await worker.start();
  }
});

after(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("QueueExecutor across a rolling upgrade", () => {
  it("accepts versions of the same major (0.x: same minor; 0.0.x: same patch) and nothing else", () => {
    const accepted: [string, string][] = [
      ["1.2.0", "1.3.0"],
      ["1.3.0", "1.2.0"],
      ["1.2.0", "1.2.7-beta.1"],
      ["0.4.1", "0.4.9"],
      ["0.0.3", "0.0.3"],
      ["next", "next"],
    ];
    const refused: [string, string][] = [
      ["1.3.0", "2.0.0"],
      ["2.0.0", "1.9.9"],
      ["0.4.1", "0.5.0"],
      ["0.0.3", "0.0.4"],
      ["1.2.0", "next"],
      ["next", "1.2.0"],
    ];
    for (const [mine, theirs] of accepted)
      assert.ok(compatibleVersions(mine, theirs), `${mine} runs ${theirs}`);
    for (const [mine, theirs] of refused)
      assert.ok(!compatibleVersions(mine, theirs), `${mine} refuses ${theirs}`);
  });

  for (const producer of ["1.3.0", "1.2.0"]) {
    it(`runs a ${producer} producer's calls on the 1.2.0 and the 1.3.0 worker alike`, async () => {
      const whoami = await whoamiOf(producer);
      const folder = mkdtempSync(path.join(root, "run-"));
      await using queue = new QueueExecutor({ queue: QUEUE, connection: redis.url });
      // Each worker runs one task at a time, so two calls running at once are one on each.
      const futures = [queue.submit(whoami, folder), queue.submit(whoami, folder)];
      await until(() => readdirSync(folder).length === 2, "both calls started");
      assert.deepEqual(readdirSync(folder).sort(), ["started-1.2.0", "started-1.3.0"]);
      writeFileSync(path.join(folder, "release"), "");
      assert.deepEqual((await Promise.all(futures)).sort(), ["1.2.0", "1.3.0"]);
    });
  }

  it("fails a 2.0.0 producer's calls on both workers with a TypeError that names the versions", async () => {
    const whoami = await whoamiOf("2.0.0");
    const folder = mkdtempSync(path.join(root, "run-"));
    await using queue = new QueueExecutor({ queue: QUEUE, connection: redis.url });
    const errors = await Promise.all(
      Array.from({ length: 8 }, () => queue.submit(whoami, folder).exception()),
    );
    for (const error of errors) {
      assert.ok(error instanceof TypeError, String(error));
      assert.match(
        error.message,
        /rolling-tasks@2\.0\.0 tasks#whoami was sent by rolling-tasks@2\.0\.0, but this worker has rolling-tasks@1\.[23]\.0, which runs tasks of rolling-tasks@1\.x only/,
      );
    }
    assert.ok(!existsSync(path.join(folder, "started-2.0.0")), "the task never ran");
  });
});
