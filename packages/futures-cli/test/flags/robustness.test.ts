import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, readFile, readlink, lstat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  afterOks,
  dataFlag,
  finished,
  labelEnv,
  listDir,
  runFlagsCli,
  spawnFlags,
  useFlagServer,
} from "./helpers.ts";

let env: NodeJS.ProcessEnv;
let dirs = 0;
const fixture = useFlagServer({ only: ["LOCAL", "DELAY"], delay: 0.2 }, (server) => {
  env = labelEnv(server);
});

function newDest(): string {
  return join(fixture.root, `dest-${++dirs}`);
}

/** The report's count for `what` ("flags downloaded", "not found", ...), 0 when absent. */
function count(stdout: string, what: string): number {
  return Number(new RegExp(`^ *(\\d+) ${what}\\.$`, "m").exec(stdout)?.[1] ?? 0);
}

describe("junk in --dest", () => {
  it("counts only an identical regular file as kept; replaces the rest, or says why not", async () => {
    const dest = newDest();
    const outside = join(fixture.root, `outside-${dirs}`);
    await mkdir(dest, { recursive: true });
    await mkdir(outside);
    await writeFile(join(dest, "br.gif"), "");
    await symlink(join(outside, "cn.gif"), join(dest, "cn.gif"));
    await mkdir(join(dest, "id.gif"));
    await writeFile(join(dest, "in.gif"), await dataFlag("IN"));
    const run = await runFlagsCli(["BR", "CN", "ID", "IN", "-v", "-d", dest], fixture.root, env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^BR ok \(replaced an empty file\)$/m);
    assert.match(run.stdout, /^CN ok \(replaced a symbolic link\)$/m);
    assert.match(run.stdout, /^ID error: cannot save: 'id\.gif' is a folder in the way$/m);
    assert.match(run.stdout, /^IN ok \(kept the file already there\)$/m);
    assert.equal(count(run.stdout, "flags downloaded"), 3);
    assert.equal(count(run.stdout, "error"), 1);
    for (const cc of ["BR", "CN"]) {
      const file = join(dest, `${cc.toLowerCase()}.gif`);
      assert.ok((await lstat(file)).isFile());
      assert.deepEqual(await readFile(file), await dataFlag(cc));
    }
    assert.deepEqual(await listDir(outside), [], "the link was not followed out of --dest");
    assert.deepEqual(await listDir(dest), ["br.gif", "cn.gif", "id.gif", "in.gif"]);
    await assert.rejects(readlink(join(dest, "cn.gif")), { code: "EINVAL" });
  });

  it("leaves a folder named like a dead run's temporary file alone, and downloads", async () => {
    const dest = newDest();
    // The pid of a process that has ended: the sweep at start-up takes it for a killed run's.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const folder = `.bo.gif.${dead}-a-b.tmp`;
    await mkdir(join(dest, folder), { recursive: true });
    await writeFile(join(dest, folder, "notes.txt"), "the user's");
    const run = await runFlagsCli(["BR", "-d", dest], fixture.root, env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(count(run.stdout, "flag downloaded"), 1);
    assert.deepEqual(await readFile(join(dest, "br.gif")), await dataFlag("BR"));
    assert.deepEqual(await listDir(join(dest, folder)), ["notes.txt"]);
  });
});

describe("a broken pool", () => {
  it("says in one line that the process pool broke and why; codes never tried are not errors", async () => {
    const dest = newDest();
    const child = spawnFlags(
      ["-e", "-v", "-s", "DELAY", "-x", "processes", "-m", "2", "-d", dest],
      fixture.root,
      env,
    );
    const run = finished(child);
    await afterOks(child, 1);
    // One worker of the pool: a child process of the command (ours, by its pid).
    const workers = execFileSync("ps", ["-o", "pid=", "--ppid", String(child.pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
    assert.ok(workers.length > 0, "the pool has workers");
    process.kill(workers[0]!, "SIGKILL");
    const { code, stdout } = await run;
    assert.equal(code, 1, stdout);
    const stopped = stdout.split("\n").filter((line) => line.startsWith("Stopped: "));
    assert.equal(stopped.length, 1, stdout);
    assert.match(stopped[0]!, /^Stopped: the process pool broke: .*killed by SIGKILL/);
    const [ok, notFound, errors, notAttempted] = [
      "flags? downloaded",
      "not found",
      "errors?",
      "not attempted",
    ].map((what) => count(stdout, what));
    assert.ok(errors! <= 2, `at most one error per worker: ${errors}`);
    assert.ok(notAttempted! > 500, stdout);
    assert.equal(ok! + notFound! + errors! + notAttempted!, 676);
    assert.doesNotMatch(stdout, /cancelled/);
    const files = await listDir(dest);
    assert.equal(files.filter((name) => name.startsWith(".")).length, 0, "no temporary file");
    assert.equal(files.length, ok);
  });
});

describe("a full disk", () => {
  it("stops at the first ENOSPC, says 'disk full' with the folder, keeps complete files, leaves no temp file", async (t) => {
    const dest = newDest();
    await mkdir(dest, { recursive: true });
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dest], { stdio: "pipe" });
    } catch (error) {
      return t.skip(
        `cannot mount a tmpfs here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`,
      );
    }
    try {
      const run = await runFlagsCli(["-a", "-v", "-d", dest], fixture.root, env);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(
        run.stdout,
        new RegExp(`^Stopped: disk full: no space left in '${dest}' \\(ENOSPC\\)$`, "m"),
      );
      const ok = count(run.stdout, "flags downloaded");
      const errors = count(run.stdout, "errors?");
      const notAttempted = count(run.stdout, "not attempted");
      assert.ok(ok > 0 && errors >= 1 && errors <= 5, run.stdout);
      assert.ok(notAttempted > 100, "stopped at once rather than trying every flag");
      assert.equal(ok + errors + notAttempted, 194);
      const files = await listDir(dest);
      assert.deepEqual(
        files.filter((name) => name.startsWith(".")),
        [],
        "no temporary file",
      );
      assert.equal(files.length, ok);
      for (const file of files)
        assert.deepEqual(await readFile(join(dest, file)), await dataFlag(file.slice(0, 2)));
    } finally {
      execFileSync("umount", [dest]);
    }
  });
});

describe("messages", () => {
  it("states the real bounds of --timeout, and clamps a huge --max-req with a note", async () => {
    for (const value of ["0", "-1", "9999999"]) {
      const run = await runFlagsCli(["BR", "--timeout", value, "-d", newDest()], fixture.root, env);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        new RegExp(
          `error: --timeout SECONDS must be a number of seconds more than 0 and at most 2147483, got '${value}'`,
        ),
      );
    }
    const huge = await runFlagsCli(
      ["BR", "CN", "-m", "99999999999999999999", "-d", newDest()],
      fixture.root,
      env,
    );
    assert.equal(huge.code, 0, huge.stderr);
    assert.equal(
      huge.stderr,
      "note: --max-req 99999999999999999999 is more than async allows; using at most 1000\n",
    );
    assert.match(huge.stdout, /^2 concurrent connections will be used\.$/m);
  });

  it("says the URL is probably wrong when every code is 404", async () => {
    const server = createServer((_, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/wrong`;
      const run = await runFlagsCli(["-s", url, "-d", newDest()], fixture.root, env);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^ 20 not found\.$/m);
      assert.equal(
        run.stderr,
        `hint: every code was 404 Not Found: the URL is probably wrong (a flag should be at ${url}/br/br.gif)\n`,
      );
      const unknown = await runFlagsCli(["-s", url, "XX", "-d", newDest()], fixture.root, env);
      assert.equal(unknown.stderr, "", "no hint for codes that are no country");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
