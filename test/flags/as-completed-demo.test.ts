import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runAsCompletedDemo } from "../../src/flags/as-completed-demo.ts";
import type { FlagServer } from "../../src/server/index.ts";
import { dataFlag, labelEnv, listDir, makeTempDir, removeDir, startServer } from "./helpers.ts";

let root: string;
let server: FlagServer;
before(async () => {
  root = await makeTempDir();
  server = await startServer({ only: ["LOCAL"] });
});
after(async () => {
  await server.close();
  await removeDir(root);
});

describe("futures demo as-completed", () => {
  it("schedules five downloads on three threads and prints them as they complete", async () => {
    const lines: string[] = [];
    const dest = join(root, "downloads");
    await runAsCompletedDemo({ write: (line) => lines.push(line), dest, env: labelEnv(server) });
    assert.deepEqual(lines.slice(0, 5), [
      "Scheduled for BR: Future<state=running>",
      "Scheduled for CN: Future<state=running>",
      "Scheduled for ID: Future<state=running>",
      "Scheduled for IN: Future<state=pending>",
      "Scheduled for US: Future<state=pending>",
    ]);
    const results = lines.slice(5);
    assert.equal(results.length, 5);
    for (const line of results)
      assert.match(line, /^Future<state=finished returned string> result: '[A-Z]{2}'$/);
    assert.deepEqual(results.map((line) => line.slice(-3, -1)).sort(), ["BR", "CN", "ID", "IN", "US"]);
    assert.deepEqual(await listDir(dest), ["br.gif", "cn.gif", "id.gif", "in.gif", "us.gif"]);
    assert.deepEqual(await readFile(join(dest, "br.gif")), await dataFlag("BR"));
  });
});
