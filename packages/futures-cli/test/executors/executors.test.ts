import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokenExecutor, BrokenProcessPool, BrokenThreadPool } from "concurrent-futures";
import { closeExecutor, createExecutor } from "../../src/executors/create.ts";
import { hang, whereAmI } from "../fixtures/tasks.mjs";

describe("closeExecutor after a failed job", () => {
  for (const [kind, Broken] of [
    ["processes", BrokenProcessPool],
    ["threads", BrokenThreadPool],
  ] as const) {
    it(`ends the ${kind} at once, even with a job still running`, { timeout: 30_000 }, async () => {
      const executor = await createExecutor(kind, 1);
      await executor.submit(whereAmI);
      const stuck = executor.submit(hang);
      const queued = executor.submit(whereAmI);
      await closeExecutor(executor, false);
      assert.ok((await stuck.exception()) instanceof Broken);
      assert.equal(queued.cancelled(), true);
    });
  }

  it("ends async work at once: a running job fails and stops waiting, a queued one is cancelled", async () => {
    const executor = await createExecutor("async", 1);
    const stuck = executor.submit(() => new Promise(() => {}));
    const queued = executor.submit(() => 1);
    await closeExecutor(executor, false);
    assert.ok((await stuck.exception()) instanceof BrokenExecutor);
    assert.equal(queued.cancelled(), true);
  });
});
