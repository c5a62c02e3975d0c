import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DestinationError,
  newTempTag,
  prepareDestination,
  removeTempFiles,
  saveFlag,
} from "../../src/flags/save-flag.ts";
import { listDir, makeTempDir, removeDir } from "./helpers.ts";

let root: string;
before(async () => (root = await makeTempDir()));
after(() => removeDir(root));

describe("saveFlag", () => {
  it("writes {cc}.gif in lower case and leaves no temporary file", async () => {
    const dest = join(root, "plain");
    await mkdir(dest);
    const outcome = await saveFlag(dest, "BR", Buffer.from("GIF89a brazil"), {
      overwrite: false,
      tempTag: "t1",
    });
    assert.equal(outcome, "saved");
    assert.deepEqual(await listDir(dest), ["br.gif"]);
    assert.equal(await readFile(join(dest, "br.gif"), "utf8"), "GIF89a brazil");
  });

  it("leaves an existing file untouched unless told to overwrite", async () => {
    const dest = join(root, "existing");
    await mkdir(dest);
    await writeFile(join(dest, "br.gif"), "old");
    assert.equal(
      await saveFlag(dest, "BR", Buffer.from("new"), { overwrite: false, tempTag: "t2" }),
      "existing",
    );
    assert.equal(await readFile(join(dest, "br.gif"), "utf8"), "old");
    assert.equal(await saveFlag(dest, "BR", Buffer.from("new"), { overwrite: true, tempTag: "t2" }), "saved");
    assert.equal(await readFile(join(dest, "br.gif"), "utf8"), "new");
    assert.deepEqual(await listDir(dest), ["br.gif"]);
  });

  it("removes its temporary file when the final step fails", async () => {
    const dest = join(root, "blocked");
    await mkdir(join(dest, "br.gif"), { recursive: true }); // a folder where the file should go
    await assert.rejects(saveFlag(dest, "BR", Buffer.from("x"), { overwrite: true, tempTag: "t3" }));
    assert.deepEqual(await listDir(dest), ["br.gif"]);
    assert.ok((await stat(join(dest, "br.gif"))).isDirectory());
  });

  it("stops when its signal aborts, without leaving anything behind", async () => {
    const dest = join(root, "aborted");
    await mkdir(dest);
    const signal = AbortSignal.abort(new Error("stop"));
    await assert.rejects(
      saveFlag(dest, "BR", Buffer.alloc(1 << 20), { overwrite: false, tempTag: "t4", signal }),
    );
    assert.deepEqual(await listDir(dest), []);
  });
});

describe("destination and temporary files", () => {
  it("creates the destination folder, nested", async () => {
    const dest = join(root, "a", "b", "c");
    await prepareDestination(dest);
    assert.ok((await stat(dest)).isDirectory());
    assert.deepEqual(await listDir(dest), []);
  });

  it("names the folder and the reason when it cannot be written", async () => {
    await writeFile(join(root, "file.txt"), "not a folder");
    await assert.rejects(prepareDestination(join(root, "file.txt", "flags")), (error: unknown) => {
      assert.ok(error instanceof DestinationError);
      assert.match(error.message, /^cannot write flags to '.*file\.txt\/flags': .*\((ENOTDIR|EEXIST)\)$/);
      return true;
    });
  });

  it("fails at once where the parent refuses new folders (mkdir -p would spin for ever)", async (t) => {
    if (!(await stat("/proc").catch(() => undefined))) return t.skip("no /proc on this machine");
    await assert.rejects(prepareDestination("/proc/futures-test/flags"), (error: unknown) => {
      assert.ok(error instanceof DestinationError);
      assert.match(error.message, /^cannot write flags to '\/proc\/futures-test\/flags': /);
      return true;
    });
  });

  it("is content with a folder that already exists, and refuses a file in the way", async () => {
    await prepareDestination(root);
    await writeFile(join(root, "in-the-way"), "x");
    await assert.rejects(
      prepareDestination(join(root, "in-the-way")),
      /a file of that name is in the way|ENOTDIR/,
    );
  });

  it("removes only the temporary files of the run it is given", async () => {
    const dest = join(root, "leftovers");
    await mkdir(dest);
    const mine = newTempTag();
    const theirs = newTempTag();
    assert.notEqual(mine, theirs);
    await writeFile(join(dest, `.br.gif.${mine}.tmp`), "half");
    await writeFile(join(dest, `.cn.gif.${mine}.tmp`), "half");
    await writeFile(join(dest, `.us.gif.${theirs}.tmp`), "someone else's");
    await writeFile(join(dest, "in.gif"), "done");
    assert.equal(await removeTempFiles(dest, mine), 2);
    assert.deepEqual(await listDir(dest), [`.us.gif.${theirs}.tmp`, "in.gif"]);
  });
});
