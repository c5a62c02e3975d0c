// Every published subpath, imported by the package's own name through its `exports` map,
// exports exactly the pinned names: adding or removing a name is a deliberate change here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QUEUE_EXPORTS, ROOT_EXPORTS } from "./helpers/public-exports.ts";

describe("published subpaths", () => {
  it('"concurrent-futures" exports exactly the pinned names', async () => {
    const names = Object.keys(await import("concurrent-futures")).sort();
    assert.deepEqual(names, [...ROOT_EXPORTS].sort());
  });

  it('"concurrent-futures/queue" exports exactly the pinned names', async () => {
    const names = Object.keys(await import("concurrent-futures/queue")).sort();
    assert.deepEqual(names, [...QUEUE_EXPORTS].sort());
  });

  it("publishes no subpath without a pinned list", async () => {
    const { default: manifest } = await import("concurrent-futures/package.json", { with: { type: "json" } });
    // ./worker exports nothing: it is the worker entry of bundled programs, run for its effect
    // (importing it here would start a worker loop in this process).
    assert.deepEqual(Object.keys(manifest.exports).sort(), [".", "./package.json", "./queue", "./worker"]);
  });
});
