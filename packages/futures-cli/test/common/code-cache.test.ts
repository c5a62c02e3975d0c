// The code cache of the `futures flags` bundle: made in the user's cache folder, and never in
// the way when that folder cannot be made (the command must still end).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCached } from "../../src/common/code-cache.ts";

describe("code cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "futures-code-cache-"));
  const script = join(dir, "bundle.cjs");
  writeFileSync(script, "// futures-bundle 0123456789abcdef\nmodule.exports = { answer: 6 * 7 };\n");
  const saved = process.env.XDG_CACHE_HOME;
  after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes the missing folders of XDG_CACHE_HOME and saves the cache there", () => {
    process.env.XDG_CACHE_HOME = join(dir, "a", "b");
    const run = runCached(script, "test", {});
    assert.deepEqual(run.exports, { answer: 42 });
    run.save();
    const [cache, ...others] = readdirSync(join(dir, "a", "b", "futures-cli"));
    assert.match(cache!, /^test-0123456789abcdef-.*\.cache$/);
    assert.deepEqual(others, []);
  });

  it("runs without a cache under a folder that refuses children, and save() returns", () => {
    process.env.XDG_CACHE_HOME = "/proc/futures-no-cache";
    const run = runCached(script, "test", {});
    assert.deepEqual(run.exports, { answer: 42 });
    run.save();
  });
});
