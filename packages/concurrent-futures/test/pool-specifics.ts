// Behaviour shared by the thread and process pools beyond the common executor suite.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import * as library from "../src/index.ts";
import { BrokenExecutor, CancelledError, TimeoutError, wait, type Executor } from "../src/index.ts";
import {
  exitProcess,
  failCustom,
  fail,
  hang,
  identity,
  markThenWait,
  missingExport,
  notATask,
  returnFunction,
  returnUnreadable,
  sleep,
  spin,
  sumInNestedPool,
  throwUnreadable,
  touch,
  whereAmI,
} from "./fixtures/tasks.ts";

type MakePool = (options: { maxWorkers: number }) => Executor & { workerCount: number };

const keepAliveScript = fileURLToPath(new URL("./fixtures/keep-alive.ts", import.meta.url));
const exitScript = fileURLToPath(new URL("./fixtures/exit-after-shutdown.ts", import.meta.url));

export function poolSpecifics(
  name: string,
  make: MakePool,
  Broken: new (...args: any[]) => BrokenExecutor,
): void {
  describe(`${name}: tasks by reference`, () => {
    it("refuses a plain function with a TypeError that says how to make a task", async () => {
      await using pool = make({ maxWorkers: 1 });
      assert.throws(() => pool.submit(notATask, 1), /task\(import\.meta\.url, "notATask", fn\)/);
    });

    it("lets a task start a pool of its own while it runs, as its first call in a fresh worker", async () => {
      await using pool = make({ maxWorkers: 1 });
      assert.equal(await pool.submit(sumInNestedPool, 2, 3), 5);
      assert.equal(await pool.submit(sumInNestedPool, 4, 5), 9);
    });

    it("keeps a custom error name and the remote stack as the cause", async () => {
      await using pool = make({ maxWorkers: 1 });
      const error = (await pool.submit(failCustom).exception()) as Error;
      assert.equal(error.name, "ValidationError");
      assert.equal(error.message, "custom failure");
      const remote = error.cause as Error;
      assert.equal(remote.name, "RemoteTraceback");
      assert.match(remote.message, /custom failure/);
      assert.match(remote.message, /tasks\.ts/);
      const withCause = (await pool.submit(fail, "outer").exception()) as Error;
      assert.equal(((withCause.cause as Error).cause as Error).message, "inner cause");
    });

    it("fails only the future whose value cannot be cloned", async () => {
      await using pool = make({ maxWorkers: 1 });
      const bad = pool.submit(identity, () => 1);
      const badResult = pool.submit(returnFunction);
      const good = pool.submit(identity, 5);
      assert.match(String(await bad.exception()), /cannot be sent to a worker/);
      assert.match(String(await badResult.exception()), /cannot be sent back/);
      assert.equal(await good, 5);
    });
  });

  describe(`${name}: odd errors and values`, () => {
    it("fails only the future whose exception cannot be read; the workers live on", async () => {
      await using pool = make({ maxWorkers: 2 });
      const workers = await Promise.all([pool.submit(whereAmI, 50), pool.submit(whereAmI, 50)]);
      const unrelated = pool.submit(sleep, 400, "unrelated");
      for (const field of ["stack", "message", "name", "code", "cause", "proxy"]) {
        const error = (await pool.submit(throwUnreadable, field).exception()) as Error;
        assert.match(error.message, /exception that could not be read/, field);
      }
      assert.equal(await unrelated, "unrelated");
      const after = await Promise.all([pool.submit(whereAmI, 50), pool.submit(whereAmI, 50)]);
      assert.deepEqual(
        new Set(after.map((w) => JSON.stringify(w))),
        new Set(workers.map((w) => JSON.stringify(w))),
        "the same workers",
      );
      assert.equal(pool.workerCount, 2);
    });

    it("fails only the future whose result cannot be serialized; the workers live on", async () => {
      await using pool = make({ maxWorkers: 2 });
      const workers = await Promise.all([pool.submit(whereAmI, 50), pool.submit(whereAmI, 50)]);
      const unrelated = pool.submit(sleep, 300, "unrelated");
      const bad = [pool.submit(returnUnreadable), pool.submit(returnUnreadable)];
      const good = pool.submit(identity, 7);
      for (const future of bad) {
        assert.match(String(await future.exception()), /result cannot be sent back/);
      }
      assert.equal(await good, 7);
      assert.equal(await unrelated, "unrelated");
      const after = await Promise.all([pool.submit(whereAmI, 50), pool.submit(whereAmI, 50)]);
      assert.deepEqual(
        new Set(after.map((w) => JSON.stringify(w))),
        new Set(workers.map((w) => JSON.stringify(w))),
        "the same workers",
      );
    });
  });

  describe(`${name}: dispatch`, () => {
    it("fails only the future whose task cannot be imported, even while the worker is busy", async () => {
      await using pool = make({ maxWorkers: 1 });
      const busy = pool.submit(sleep, 200);
      const missing = pool.submit(missingExport);
      assert.match(String(await missing.exception()), /no exported function named doesNotExist/);
      assert.equal(await busy, 200);
      assert.equal(await pool.submit(identity, 7), 7);
    });

    it("keeps slow work cancellable after many fast tasks taught it to batch", async () => {
      await using pool = make({ maxWorkers: 2 });
      await wait(Array.from({ length: 3000 }, () => pool.submit(identity, 0)));
      const futures = Array.from({ length: 40 }, () => pool.submit(sleep, 50));
      const running = futures.filter((f) => f.running()).length;
      assert.ok(running <= 4, `${running} of 40 slow tasks were already marked running`);
      assert.ok(futures.filter((f) => f.cancel()).length >= 36);
    });

    it("keeps quick calls sent ahead to a busy worker pending and cancellable until it starts them", async () => {
      await using pool = make({ maxWorkers: 1 });
      const folder = mkdtempSync(path.join(os.tmpdir(), "futures-ahead-"));
      try {
        // The only worker is busy in a call that never yields; quick calls queue up behind it.
        const behindBusy = () => {
          const busy = pool.submit(spin, 1500);
          const quick = Array.from({ length: 20 }, (_, i) =>
            pool.submit(touch, path.join(folder, `late-${i}`)),
          );
          return { busy, quick, queued: Number(/queued=(\d+)/.exec(String(pool))![1]) };
        };
        await teachQuick(pool, folder);
        let { busy, quick, queued } = behindBusy();
        // On a busy machine touch can take the pool above a millisecond a call, and it then
        // rightly sends one call at a time: a second lesson, once, before the verdict.
        if (queued === 20) {
          for (const future of quick) future.cancel();
          await busy;
          await teachQuick(pool, folder);
          ({ busy, quick, queued } = behindBusy());
        }
        assert.ok(queued < 20, `batching sent some quick calls ahead (${queued} of 20 still queued)`);
        assert.equal(busy.running(), true);
        assert.deepEqual(
          quick.filter((f) => f.running()),
          [],
          "no call sent ahead is running before its worker starts it",
        );
        assert.equal(quick.filter((f) => f.cancel()).length, 20, "every quick call can be cancelled");
        assert.equal(await busy, 1500);
        await pool.shutdown();
        assert.ok(quick.every((f) => f.cancelled()));
        assert.deepEqual(
          readdirSync(folder).filter((name) => name.startsWith("late-")),
          [],
          "no cancelled call ran",
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it("runs the quick calls sent ahead that were not cancelled, each reported running only once started", async () => {
      await using pool = make({ maxWorkers: 1 });
      const folder = mkdtempSync(path.join(os.tmpdir(), "futures-ahead-"));
      try {
        await teachQuick(pool, folder);
        const busy = pool.submit(spin, 500);
        const quick = Array.from({ length: 20 }, (_, i) =>
          pool.submit(touch, path.join(folder, `late-${i}`)),
        );
        assert.deepEqual(
          quick.filter((f) => f.running()),
          [],
        );
        const kept = quick.filter((_, i) => i % 2 === 0);
        for (const [i, future] of quick.entries()) if (i % 2 === 1) assert.equal(future.cancel(), true);
        await busy;
        await wait(kept);
        assert.ok(kept.every((f) => f.done() && !f.cancelled()));
        await pool.shutdown();
        const ran = readdirSync(folder).filter((name) => name.startsWith("late-"));
        assert.deepEqual(ran.sort(), kept.map((_, i) => `late-${i * 2}`).sort());
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it("reports a call sent ahead running once its worker has started it", async () => {
      await using pool = make({ maxWorkers: 1 });
      const folder = mkdtempSync(path.join(os.tmpdir(), "futures-ahead-"));
      const at = (name: string) => path.join(folder, name);
      try {
        await wait(Array.from({ length: 300 }, () => pool.submit(markThenWait, at("warm"))));
        const busy = pool.submit(spin, 300);
        const quick = Array.from({ length: 10 }, (_, i) => pool.submit(markThenWait, at(`quick-${i}`)));
        const slow = pool.submit(markThenWait, at("slow"), at("release"));
        assert.equal(slow.running(), false);
        await until(() => existsSync(at("slow")), "the slow call started");
        await until(() => slow.running(), "the pool reports the slow call running");
        assert.equal(slow.cancel(), false, "a call that started cannot be cancelled");
        writeFileSync(at("release"), "");
        await slow;
        await wait([busy, ...quick]);
        assert.ok([busy, ...quick, slow].every((f) => f.done() && !f.cancelled()));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it("starts no call of a map() after its timeout fired, even once the pool batches its task", async () => {
      await using pool = make({ maxWorkers: 1 });
      const folder = mkdtempSync(path.join(os.tmpdir(), "futures-map-ahead-"));
      try {
        await teachQuick(pool, folder);
        const busy = pool.submit(spin, 1000);
        const paths = Array.from({ length: 40 }, (_, i) => path.join(folder, `map-${i}`));
        let atTimeout: string[] | undefined;
        await assert.rejects(async () => {
          try {
            for await (const _ of pool.map(touch, paths, { timeout: 100 }));
          } finally {
            atTimeout = readdirSync(folder).filter((name) => name.startsWith("map-"));
          }
        }, TimeoutError);
        await busy;
        await pool.shutdown();
        const after = readdirSync(folder).filter((name) => name.startsWith("map-"));
        const startedLater = after.filter((name) => !atTimeout!.includes(name));
        // At most the call the worker was on when the timeout fired may finish afterwards.
        assert.ok(startedLater.length <= 1, `${startedLater.length} calls ran after the timeout`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it("shutdown returns when the last queued items were cancelled while a worker was replaced", async () => {
      const pool = make({ maxWorkers: 1 });
      const controller = new AbortController();
      pool.submitWith({ signal: controller.signal }, sleep, 5000);
      pool.submit(sleep, 10).cancel();
      setTimeout(() => controller.abort(), 100);
      const shutdown = pool.shutdown();
      const outcome = await Promise.race([shutdown.then(() => "returned"), sleep(10_000, "hung")]);
      assert.equal(outcome, "returned");
    });
  });

  describe(`${name}: workers`, () => {
    it("starts workers on demand and reuses idle ones", async () => {
      await using pool = make({ maxWorkers: 4 });
      assert.equal(pool.workerCount, 0);
      const first = await pool.submit(whereAmI);
      const second = await pool.submit(whereAmI);
      assert.deepEqual(first, second, "an idle worker is reused");
      assert.equal(pool.workerCount, 1);
      await wait(Array.from({ length: 4 }, () => pool.submit(sleep, 50)));
      assert.ok(pool.workerCount <= 4);
    });

    it(
      "stops a running task through its AbortSignal and replaces the worker",
      { timeout: 30_000 },
      async () => {
        await using pool = make({ maxWorkers: 1 });
        const controller = new AbortController();
        const before = await pool.submit(whereAmI);
        const stuck = pool.submitWith({ signal: controller.signal }, hang);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(stuck.running(), true);
        assert.equal(stuck.cancel(), false, "a running task cannot be cancelled");
        controller.abort(new Error("give up"));
        assert.equal(((await stuck.exception()) as Error).message, "give up");
        const after = await pool.submit(whereAmI);
        assert.notDeepEqual(after, before, "a new worker took over");
      },
    );

    it("shares one AbortSignal across many submitWith calls with no warning and no listener left", async () => {
      await using pool = make({ maxWorkers: 2 });
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on("warning", onWarning);
      try {
        const controller = new AbortController();
        const futures = Array.from({ length: 40 }, (_, i) =>
          pool.submitWith({ signal: controller.signal }, identity, i),
        );
        assert.equal(getEventListeners(controller.signal, "abort").length, 1, "one listener for all");
        assert.deepEqual(
          await Promise.all(futures),
          Array.from({ length: 40 }, (_, i) => i),
        );
        assert.equal(getEventListeners(controller.signal, "abort").length, 0, "none left behind");
        // A second round on the same signal, then an abort that cancels what is still queued.
        const more = Array.from({ length: 20 }, () =>
          pool.submitWith({ signal: controller.signal }, sleep, 20),
        );
        controller.abort();
        const outcomes = await Promise.allSettled(more.map((f) => f.result()));
        assert.ok(outcomes.every((o) => o.status === "rejected"));
        assert.ok(more.filter((f) => f.cancelled()).length >= 18);
        assert.equal(getEventListeners(controller.signal, "abort").length, 0);
        await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      } finally {
        process.off("warning", onWarning);
      }
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
      );
    });

    it("cancels a queued task whose signal aborts", async () => {
      await using pool = make({ maxWorkers: 1 });
      const controller = new AbortController();
      const busy = pool.submit(sleep, 100);
      const queued = pool.submitWith({ signal: controller.signal }, whereAmI);
      controller.abort();
      await assert.rejects(queued.result(), CancelledError);
      await busy;
    });

    it(
      "returns at once from shutdown({ wait: false, cancelFutures: true }) and the program exits with no workers left",
      {
        timeout: 60_000,
      },
      () => {
        const run = spawnSync(process.execPath, [...process.execArgv, exitScript, name], {
          encoding: "utf8",
          timeout: 30_000,
        });
        assert.equal(run.status, 0, run.stderr);
        const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
          returnedMs: number;
          pids: number[];
        };
        assert.ok(report.returnedMs < 1000, `shutdown took ${report.returnedMs} ms`);
        for (const pid of report.pids) {
          assert.throws(
            () => process.kill(pid, 0),
            { code: "ESRCH" },
            `worker process ${pid} is still alive`,
          );
        }
      },
    );
  });

  describe(`${name}: the program's lifetime`, () => {
    const run = (how: string) => {
      const folder = mkdtempSync(path.join(os.tmpdir(), "futures-alive-"));
      const file = path.join(folder, "done");
      const child = spawnSync(process.execPath, [...process.execArgv, keepAliveScript, name, how, file], {
        encoding: "utf8",
        timeout: 30_000,
      });
      const written = existsSync(file);
      rmSync(folder, { recursive: true, force: true });
      return { status: child.status, stdout: child.stdout, stderr: child.stderr, written };
    };

    it("a running task keeps the program alive after shutdown({ wait: false }), as in Python", () => {
      const { status, stderr, written } = run("wait-false");
      assert.equal(status, 0, stderr);
      assert.equal(written, true, "the task ran to its end before the program exited");
    });

    it("terminateWorkers() lets the program end now, failing the running task", () => {
      const { status, stdout, stderr, written } = run("terminate");
      assert.equal(status, 0, stderr);
      assert.equal(written, false, "the task was stopped");
      assert.match(stdout, new RegExp(`${Broken.name}: the pool's workers were terminated`));
    });
  });

  describe(`${name}: broken`, () => {
    it("breaks with its own BrokenExecutor subclass, exported from the package root", async () => {
      const pool = make({ maxWorkers: 1 });
      const error = await pool.submit(exitProcess, 4).exception();
      assert.ok(error instanceof Broken, String(error));
      assert.ok(error instanceof BrokenExecutor);
      assert.equal((error as Error).name, Broken.name);
      assert.equal((library as Record<string, unknown>)[Broken.name], Broken);
      await pool.shutdown();
    });
  });
}

/** Run a few hundred quick calls of `touch`, so that the pool knows it is quick and batches it. */
async function teachQuick(pool: Executor, folder: string): Promise<void> {
  const warm = Array.from({ length: 300 }, (_, i) => pool.submit(touch, path.join(folder, `warm-${i % 10}`)));
  await wait(warm);
}

/** Wait until `condition()` holds; fail saying `what` if it has not after 30 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 3000 && !condition(); tries++) await sleep(10);
  assert.ok(condition(), `${what}: not after 30 s`);
}
