import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  afterOks,
  dataFlag,
  finished,
  labelEnv,
  listDir,
  spawnFlags,
  useFlagServer,
} from "../flags/helpers.ts";

let env: NodeJS.ProcessEnv;
let dirs = 0;
const fixture = useFlagServer({ only: ["DELAY"], delay: 0.2 }, (server) => {
  env = labelEnv(server);
});

function newDest(): string {
  return join(fixture.root, `dest-${++dirs}`);
}

/** Every file in `dest` is a whole flag; no temporary file. */
async function onlyCompleteFlags(dest: string): Promise<string[]> {
  const files = await listDir(dest);
  assert.deepEqual(
    files.filter((name) => name.startsWith(".")),
    [],
    "no temporary file",
  );
  for (const file of files)
    assert.deepEqual(await readFile(join(dest, file)), await dataFlag(file.slice(0, 2)));
  return files;
}

describe("signals", () => {
  for (const [signal, status, executor, maxReq] of [
    ["SIGTERM", 143, "processes", "2"],
    ["SIGTERM", 143, "threads", "3"],
    ["SIGHUP", 129, "async", "5"],
    ["SIGHUP", 129, "processes", "2"],
  ] as const) {
    it(`${signal} on ${executor} is like Ctrl-C: report, clean folder, exit ${status}`, async () => {
      const dest = newDest();
      const child = spawnFlags(
        ["-a", "-v", "-s", "DELAY", "-x", executor, "-m", maxReq, "-d", dest],
        fixture.root,
        env,
      );
      const run = finished(child);
      await afterOks(child, 3);
      child.kill(signal);
      const { code, signal: killedBy, stdout } = await run;
      assert.equal(killedBy, null, "ended by itself, not by the signal");
      assert.equal(code, status, stdout);
      const ok = Number(/^ *(\d+) flags? downloaded\.$/m.exec(stdout)![1]);
      const cancelled = Number(/^ *(\d+) cancelled\.$/m.exec(stdout)![1]);
      assert.ok(ok >= 3);
      assert.equal(ok + cancelled, 194);
      assert.match(stdout, /^Elapsed time: /m);
      assert.equal((await onlyCompleteFlags(dest)).length, ok);
    });
  }

  for (const executor of ["async", "threads", "processes"] as const) {
    it(`a second Ctrl-C 50 ms after the first on ${executor} leaves no temporary file and loses no download`, async () => {
      for (let round = 0; round < 3; round++) {
        const dest = newDest();
        const child = spawnFlags(
          ["-e", "-v", "-s", "DELAY", "-x", executor, "-m", "8", "-d", dest],
          fixture.root,
          env,
        );
        const run = finished(child);
        await afterOks(child, 2 + round * 3);
        child.kill("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (child.exitCode === null) child.kill("SIGINT");
        const { code, signal, stdout } = await run;
        // 130 either way: the command's own exit, or Node's default for a SIGINT that came
        // after the command had finished and let go of its handlers.
        assert.ok(code === 130 || (code === null && signal === "SIGINT"), `${code} ${signal}\n${stdout}`);
        const files = await onlyCompleteFlags(dest);
        // Every flag reported ok is in the folder.
        for (const [, cc] of stdout.matchAll(/^([A-Z]{2}) ok$/gm))
          assert.ok(files.includes(`${cc!.toLowerCase()}.gif`), cc);
      }
    });
  }
});
