import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstat, mkdir, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DestinationError,
  prepareDestination,
  removeTempFiles,
  sweepStaleTempFiles,
} from "../../src/flags/destination.ts";
import { newTempTag, SaveError, saveFlag } from "../../src/flags/save-flag.ts";
import { listDir, makeTempDir, removeDir } from "./helpers.ts";

let root: string;
before(async () => (root = await makeTempDir()));
after(() => removeDir(root));

describe("saveFlag", () => {
  it("writes {cc}.gif in lower case and leaves no temporary file", async () => {
    const dest = join(root, "plain");
    await mkdir(dest);
    const outcome = saveFlag(dest, "BR", Buffer.from("GIF89a brazil"), { overwrite: false, tempTag: "t1" });
    assert.deepEqual(outcome, { kept: false, replaced: undefined });
    assert.deepEqual(await listDir(dest), ["br.gif"]);
    assert.equal(await readFile(join(dest, "br.gif"), "utf8"), "GIF89a brazil");
  });

  it("keeps an identical file untouched, and replaces a different one", async () => {
    const dest = join(root, "existing");
    await mkdir(dest);
    await writeFile(join(dest, "br.gif"), "same");
    const before = await stat(join(dest, "br.gif"));
    assert.deepEqual(saveFlag(dest, "BR", Buffer.from("same"), { overwrite: false, tempTag: "t2" }), {
      kept: true,
    });
    assert.equal((await stat(join(dest, "br.gif"))).ino, before.ino, "the very same file");
    assert.deepEqual(saveFlag(dest, "BR", Buffer.from("new!"), { overwrite: false, tempTag: "t2" }), {
      kept: false,
      replaced: "a different file of 4 bytes",
    });
    assert.equal(await readFile(join(dest, "br.gif"), "utf8"), "new!");
    assert.deepEqual(saveFlag(dest, "BR", Buffer.from("new!"), { overwrite: true, tempTag: "t2" }), {
      kept: false,
      replaced: undefined,
    });
    assert.deepEqual(await listDir(dest), ["br.gif"]);
  });

  it("replaces an empty file and links, dangling or not, without following them out of the folder", async () => {
    const outside = join(root, "outside");
    const dest = join(root, "junk");
    await mkdir(outside);
    await mkdir(dest);
    await writeFile(join(dest, "br.gif"), "");
    await symlink(join(outside, "cn.gif"), join(dest, "cn.gif")); // dangling
    await writeFile(join(outside, "precious"), "keep me");
    await symlink(join(outside, "precious"), join(dest, "us.gif"));
    const options = { overwrite: false, tempTag: "t5" };
    assert.equal(saveFlag(dest, "BR", Buffer.from("br"), options).replaced, "an empty file");
    assert.equal(saveFlag(dest, "CN", Buffer.from("cn"), options).replaced, "a symbolic link");
    assert.equal(saveFlag(dest, "US", Buffer.from("us"), options).replaced, "a symbolic link");
    for (const cc of ["br", "cn", "us"]) {
      const file = join(dest, `${cc}.gif`);
      assert.ok((await lstat(file)).isFile(), `${cc}.gif is a regular file now`);
      assert.equal(await readFile(file, "utf8"), cc);
    }
    assert.deepEqual(await listDir(outside), ["precious"], "nothing written outside");
    assert.equal(await readFile(join(outside, "precious"), "utf8"), "keep me");
  });

  it("fails with its reason when a folder is in the way, and removes its temporary file", async () => {
    const dest = join(root, "blocked");
    await mkdir(join(dest, "br.gif"), { recursive: true }); // a folder where the file should go
    for (const overwrite of [false, true]) {
      assert.throws(
        () => saveFlag(dest, "BR", Buffer.from("x"), { overwrite, tempTag: "t3" }),
        (error: unknown) =>
          error instanceof SaveError && error.code === "EISDIR" && /folder/.test(error.message),
      );
    }
    assert.deepEqual(await listDir(dest), ["br.gif"]);
    assert.ok((await stat(join(dest, "br.gif"))).isDirectory());
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

  it("sweeps the temporary files of dead runs and of none other", async () => {
    const dest = join(root, "stale");
    await mkdir(dest);
    // The pid of a process that has ended: a run killed with SIGKILL.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const names = {
      deadRun: `.br.gif.${dead}-lq2x1k-a1b2c3.tmp`,
      deadProbe: `.${dead}-lq2x1k-a1b2c3.probe.tmp`,
      liveRun: `.cn.gif.${process.pid}-lq2x1k-d4e5f6.tmp`,
      liveButAncient: `.in.gif.${process.pid}-lq2x1k-g7h8i9.tmp`,
      notOurs: ".br.gif.backup.tmp",
      userFile: "notes.tmp",
      flag: "br.gif",
    };
    for (const name of Object.values(names)) await writeFile(join(dest, name), "x");
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(dest, names.liveButAncient), anHourAgo, anHourAgo);
    assert.equal(await sweepStaleTempFiles(dest), 3);
    assert.deepEqual(await listDir(dest), [names.liveRun, names.notOurs, names.flag, names.userFile].sort());
  });

  it("sweeps files and links of that naming, never a folder, never a link's target", async () => {
    const dest = join(root, "stale-kinds");
    const outside = join(root, "stale-kinds-target");
    await mkdir(dest);
    await writeFile(outside, "the user's");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const tag = `${dead}-lq2x1k-a1b2c3`;
    await mkdir(join(dest, `.bo.gif.${tag}.tmp`));
    await writeFile(join(dest, `.bo.gif.${tag}.tmp`, "inside"), "x");
    await symlink(outside, join(dest, `.br.gif.${tag}.tmp`));
    await writeFile(join(dest, `.cn.gif.${tag}.tmp`), "half");
    assert.equal(await sweepStaleTempFiles(dest), 2);
    assert.deepEqual(await listDir(dest), [`.bo.gif.${tag}.tmp`]);
    assert.deepEqual(await listDir(join(dest, `.bo.gif.${tag}.tmp`)), ["inside"]);
    assert.equal(await readFile(outside, "utf8"), "the user's");
    // The end of a run removes its own temporary files the same way.
    assert.equal(await removeTempFiles(dest, tag), 0);
    assert.deepEqual(await listDir(dest), [`.bo.gif.${tag}.tmp`]);
  });

  it("sweeps them when a run prepares its folder", async () => {
    const dest = join(root, "stale-prepare");
    await mkdir(dest);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(join(dest, `.us.gif.${dead}-lq2x1k-a1b2c3.tmp`), "half a flag");
    await prepareDestination(dest);
    assert.deepEqual(await listDir(dest), []);
  });
});
