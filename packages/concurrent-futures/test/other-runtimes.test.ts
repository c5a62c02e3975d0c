// Bun and Deno, installed from npm as the workspace's devDependencies: each runs the README's
// example from the built library (as a user installs it) and the executor behaviour suite on
// every executor (test/runtimes/suite.test.ts, under the runtime's own test runner), and signs
// a queue job as node:crypto's HMAC does (test/runtimes/signature-check.ts). A runtime
// whose binary is not installed (no package for this platform) is skipped, saying so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url)); // the package folder
const bin = path.resolve(root, "../../node_modules/.bin");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

interface Runtime {
  name: string;
  command: string;
  run: string[];
  test: string[];
}

const runtimes: Runtime[] = [
  { name: "Bun", command: "bun", run: [], test: ["test", "--timeout", "120000"] },
  {
    name: "Deno",
    command: "deno",
    run: ["run", "-A"],
    // --no-check: Deno would type-check every worker's modules again as it starts them.
    test: ["test", "-A", "--no-check", "--v8-flags=--expose-gc"],
  },
];

function runIn(runtime: Runtime, args: string[]) {
  const result = spawnSync(path.join(bin, runtime.command), args, {
    cwd: root,
    encoding: "utf8",
    timeout: 540_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

for (const runtime of runtimes) {
  const missing = existsSync(path.join(bin, runtime.command))
    ? undefined
    : `${runtime.command} is not installed (npm has no ${runtime.name} binary for ${process.platform}-${process.arch})`;

  describe(`${runtime.name}`, { skip: missing, timeout: 600_000 }, () => {
    it("prints what the README says examples/library.ts prints", { timeout: 300_000 }, (t) => {
      const { status, stdout, output } = runIn(runtime, [...runtime.run, "examples/library.ts"]);
      assert.equal(status, 0, output);
      t.diagnostic(`${runtime.name} ${runIn(runtime, ["--version"]).stdout.trim().split("\n")[0]}`);
      assert.ok(readme.includes("```\n" + stdout + "```"), `README does not show this output:\n${stdout}`);
    });

    it("signs queue jobs as node:crypto's HMAC does", () => {
      const { status, stdout, output } = runIn(runtime, [...runtime.run, "test/runtimes/signature-check.ts"]);
      assert.equal(status, 0, output);
      assert.equal(stdout.trim(), "ok");
    });

    it("passes the executor behaviour suite on every executor", { timeout: 600_000 }, (t) => {
      const { status, output } = runIn(runtime, [...runtime.test, "test/runtimes/suite.test.ts"]);
      for (const line of output.split("\n")) {
        if (line.startsWith("skipped: ")) t.diagnostic(`${runtime.name} ${line}`);
      }
      assert.equal(status, 0, output.slice(-20_000));
    });
  });
}
