// The built package, installed by name into a fresh project, as a user gets it: the
// library imports as "futures", compiled tasks run on threads and processes, TypeScript
// tasks run from source under tsx, and the `futures` command is on the project's PATH.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsxLoader = path.join(root, "node_modules", "tsx", "dist", "loader.mjs");
let project: string;

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
}

const driver = (taskFile: string) => `
import { ThreadPoolExecutor, ProcessPoolExecutor, AsyncExecutor, asCompleted } from "futures";
import { cube } from "./${taskFile}";
const results = {};
for (const Pool of [AsyncExecutor, ThreadPoolExecutor, ProcessPoolExecutor]) {
  const pool = new Pool({ maxWorkers: 2 });
  const values = [];
  for await (const value of pool.map(cube, [1, 2, 3])) values.push(value);
  await pool.shutdown();
  results[Pool.name] = values;
}
console.log(JSON.stringify(results));
`;

const expected = {
  AsyncExecutor: [1, 8, 27],
  ThreadPoolExecutor: [1, 8, 27],
  ProcessPoolExecutor: [1, 8, 27],
};

describe("the installed package", { timeout: 300_000 }, () => {
  before(() => {
    project = mkdtempSync(path.join(os.tmpdir(), "futures-install-"));
    const tarball = run("npm", ["pack", "--silent", "--pack-destination", project], root)
      .trim()
      .split("\n")
      .at(-1)!;
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "user-project", type: "module" }),
    );
    run("npm", [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--silent",
      path.join(project, tarball),
    ]);
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it("imports by name and runs a compiled task on every executor", () => {
    writeFileSync(
      path.join(project, "tasks.js"),
      'import { task } from "futures";\nexport const cube = task(import.meta.url, "cube", (n) => n ** 3);\n',
    );
    writeFileSync(path.join(project, "main.mjs"), driver("tasks.js"));
    assert.deepEqual(JSON.parse(run(process.execPath, ["main.mjs"])), expected);
  });

  it("runs a TypeScript task from source under tsx", () => {
    writeFileSync(
      path.join(project, "tasks-ts.ts"),
      'import { task } from "futures";\nexport const cube = task(import.meta.url, "cube", (n: number): number => n ** 3);\n',
    );
    writeFileSync(path.join(project, "main-ts.mts"), driver("tasks-ts.ts"));
    // tsx comes from this repository: the user project only needs it to be resolvable.
    run("ln", ["-s", path.join(root, "node_modules", "tsx"), path.join(project, "node_modules", "tsx")]);
    for (const dependency of ["esbuild", "get-tsconfig", "resolve-pkg-maps", "@esbuild"]) {
      run("ln", [
        "-sf",
        path.join(root, "node_modules", dependency),
        path.join(project, "node_modules", dependency),
      ]);
    }
    assert.deepEqual(JSON.parse(run(process.execPath, ["--import", tsxLoader, "main-ts.mts"])), expected);
  });

  it("puts the futures command on the project's path", () => {
    const help = run(path.join(project, "node_modules", ".bin", "futures"), ["--help"]);
    assert.match(help, /Usage: futures/);
  });
});
