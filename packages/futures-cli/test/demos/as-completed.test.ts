import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runAsCompletedDemo } from "../../src/demos/as-completed.ts";
import { runCli } from "../helpers/cli.ts";
import { dataFlag, labelEnv, listDir, useFlagServer } from "../flags/helpers.ts";

const fixture = useFlagServer({ only: ["LOCAL"] });

describe("futures demo as-completed", () => {
  it("schedules five downloads on three threads and prints them as they complete", async () => {
    const lines: string[] = [];
    const dest = join(fixture.root, "downloads");
    await runAsCompletedDemo({ write: (line) => lines.push(line), dest, env: labelEnv(fixture.server) });
    assert.deepEqual(lines.slice(0, 6), [
      `Saving 5 flags in '${dest}' (-d DIR for another folder)`,
      "Scheduled for BR: Future<state=running>",
      "Scheduled for CN: Future<state=running>",
      "Scheduled for ID: Future<state=running>",
      "Scheduled for IN: Future<state=pending>",
      "Scheduled for US: Future<state=pending>",
    ]);
    const results = lines.slice(6);
    assert.equal(results.length, 5);
    for (const line of results)
      assert.match(line, /^Future<state=finished returned string> result: '[A-Z]{2}'$/);
    assert.deepEqual(results.map((line) => line.slice(-3, -1)).sort(), ["BR", "CN", "ID", "IN", "US"]);
    assert.deepEqual(await listDir(dest), ["br.gif", "cn.gif", "id.gif", "in.gif", "us.gif"]);
    assert.deepEqual(await readFile(join(dest, "br.gif")), await dataFlag("BR"));
  });

  it("takes -d on the command line and says where it writes", async () => {
    const dest = join(fixture.root, "chosen");
    const cwd = join(fixture.root, "cwd");
    await mkdir(cwd);
    const run = await runCli(["demo", "as-completed", "-d", dest], cwd, 60_000, labelEnv(fixture.server));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.lines[0], `Saving 5 flags in '${dest}' (-d DIR for another folder)`);
    assert.deepEqual(await listDir(dest), ["br.gif", "cn.gif", "id.gif", "in.gif", "us.gif"]);
    assert.deepEqual(await listDir(cwd), [], "nothing in ./downloads");
  });
});
