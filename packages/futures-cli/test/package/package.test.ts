// Both packed tarballs installed into a fresh project, as a user gets the command: the
// `futures` bin on the project's path, its version, and the main job against the flag server
// it starts in-process.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import module from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const libraryDir = path.resolve(packageDir, "../concurrent-futures");
let project: string;

function run(command: string, args: string[], cwd = project, env = process.env): string {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
}

describe("the installed command", { timeout: 300_000 }, () => {
  before(() => {
    project = mkdtempSync(path.join(os.tmpdir(), "futures-cli-install-"));
    // npm test builds both dist/ from empty first, as npm pack would, and the build here has
    // nothing left to do (run alone, it brings them up to date). Packed as they are: npm pack's
    // own clean build would empty dist/ under the test files that run beside this one.
    run(process.execPath, [path.join(packageDir, "scripts", "build.mjs")], packageDir);
    const tarballs = [libraryDir, packageDir].map((dir) => {
      const packed = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], dir);
      return path.join(project, packed.trim().split("\n").at(-1)!);
    });
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "user-project", type: "module" }),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", ...tarballs]);
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it("puts futures on the project's path, with its version", () => {
    const bin = path.join(project, "node_modules", ".bin", "futures");
    assert.match(run(bin, ["--help"]), /Usage: futures/);
    const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
    assert.equal(run(bin, ["--version"]).trim(), manifest.version);
  });

  it("downloads the 20 flags from the server it starts itself", () => {
    // A port nobody listens on, so the command always starts its own LOCAL server.
    const env = { ...process.env, FUTURES_LOCAL_PORT: "1" };
    const output = run(
      path.join(project, "node_modules", ".bin", "futures"),
      ["flags", "--no-progress"],
      project,
      env,
    );
    assert.match(output, /20 flags downloaded\./);
    const saved = readdirSync(path.join(project, "downloads"));
    assert.equal(saved.length, 20);
    for (const name of saved) assert.ok(statSync(path.join(project, "downloads", name)).size > 0);
  });

  it("installs without BullMQ, whose commands then say in one line what to install", () => {
    // bullmq and ioredis are optional peers: nothing native is built for a plain install.
    assert.equal(existsSync(path.join(project, "node_modules", "bullmq")), false);
    assert.equal(existsSync(path.join(project, "node_modules", "msgpackr-extract")), false);
    const bin = path.join(project, "node_modules", ".bin", "futures");
    const env = { ...process.env, FUTURES_LOCAL_PORT: "1" };
    for (const args of [
      ["worker", "--queue", "q", "--import", "flags"],
      ["flags", "-x", "queue", "--no-progress"],
      ["primes", "-x", "queue"],
    ]) {
      const result = spawnSync(bin, args, { cwd: project, env, encoding: "utf8", timeout: 60_000 });
      assert.equal(result.status, 1, `futures ${args.join(" ")}: ${result.stderr}`);
      assert.equal(result.stdout, "");
      assert.match(
        result.stderr,
        /^futures: (futures worker|-x queue) needs bullmq and ioredis, which are not installed: npm install bullmq ioredis \(with -g for a global futures-cli\)\n$/,
      );
    }
  });

  // Node 22.1 and later keep compiled code themselves, and the command leaves the job to them.
  const nodeCaches = "enableCompileCache" in module;
  it("runs flags from its code cache: made once, used after, never in the way", { skip: nodeCaches }, () => {
    const bin = path.join(project, "node_modules", ".bin", "futures");
    const home = mkdtempSync(path.join(os.tmpdir(), "futures-cli-cache-"));
    const folder = path.join(home, "futures-cli");
    const flagsWith = (cacheHome: string, executor: string) => {
      const dest = mkdtempSync(path.join(home, "dest-"));
      const env = { ...process.env, FUTURES_LOCAL_PORT: "1", XDG_CACHE_HOME: cacheHome };
      const result = spawnSync(bin, ["flags", "--no-progress", "-l", "6", "-x", executor, "-d", dest], {
        cwd: project,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, "");
      assert.match(result.stdout, /6 flags downloaded\./);
      // Byte for byte the files of the data set the server sends.
      const dataDir = path.join(project, "node_modules", "futures-cli", "data", "flags");
      const saved = readdirSync(dest).sort();
      assert.deepEqual(saved, ["bd.gif", "br.gif", "cd.gif", "cn.gif", "de.gif", "eg.gif"]);
      for (const name of saved)
        assert.deepEqual(
          readFileSync(path.join(dest, name)),
          readFileSync(path.join(dataDir, name.slice(0, 2), name)),
        );
    };
    try {
      flagsWith(home, "async");
      const [cache] = readdirSync(folder);
      assert.match(cache!, /^flags-.*\.cache$/);
      const made = readFileSync(path.join(folder, cache!));
      for (const executor of ["async", "threads", "processes", "sequential"]) flagsWith(home, executor);
      assert.deepEqual(readdirSync(folder), [cache], "the cache is used, not written again");
      assert.deepEqual(readFileSync(path.join(folder, cache!)), made);
      // A damaged cache is rejected and made again; one that cannot be written is done without.
      writeFileSync(path.join(folder, cache!), "not a code cache");
      flagsWith(home, "async");
      assert.notEqual(readFileSync(path.join(folder, cache!), "utf8"), "not a code cache");
      // Caches of other copies (deleted or rebuilt ones) are kept 8 at most, the newest.
      for (let i = 0; i < 10; i++) {
        const other = path.join(folder, `flags-${i}-${process.version}-x64-1-1.cache`);
        writeFileSync(other, "another copy's cache");
        utimesSync(other, 1_000_000 + i, 1_000_000 + i);
      }
      rmSync(path.join(folder, cache!));
      flagsWith(home, "async");
      const kept = readdirSync(folder).sort();
      assert.equal(kept.length, 8, kept.join());
      for (let i = 0; i < 3; i++)
        assert.ok(!kept.includes(`flags-${i}-${process.version}-x64-1-1.cache`), "oldest gone");
      // A relative XDG_CACHE_HOME is ignored (the XDG spec): nothing is written where the command runs.
      flagsWith("relative-cache", "async");
      assert.equal(existsSync(path.join(project, "relative-cache")), false);
      const notAFolder = path.join(home, "file");
      writeFileSync(notAFolder, "");
      flagsWith(notAFolder, "async");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("gives programs the flags, server and cpu parts by subpath", () => {
    const script = [
      'const flags = await import("futures-cli/flags");',
      'const server = await import("futures-cli/server");',
      'const cpu = await import("futures-cli/cpu");',
      "console.log([typeof flags.downloadMany, typeof server.startFlagServer, typeof cpu.arcfour].join())",
    ].join("\n");
    assert.equal(
      run(process.execPath, ["--input-type=module", "-e", script]).trim(),
      "function,function,function",
    );
  });
});
