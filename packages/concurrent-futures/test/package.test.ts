// The built library, packed and installed by name into a fresh project, as a user gets it:
// no runtime dependencies, no application code, the pinned list of root exports, compiled
// tasks on every executor, and TypeScript tasks from source under tsx.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { QUEUE_EXPORTS, ROOT_EXPORTS } from "./helpers/public-exports.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repository = path.resolve(packageDir, "../..");
const tsxLoader = path.join(repository, "node_modules", "tsx", "dist", "loader.mjs");

let project: string;
let tarball: string;

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
}

const driver = (taskFile: string) => `
import { ThreadPoolExecutor, ProcessPoolExecutor, AsyncExecutor } from "concurrent-futures";
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

describe("the installed library", { timeout: 300_000 }, () => {
  before(() => {
    project = mkdtempSync(path.join(os.tmpdir(), "concurrent-futures-install-"));
    // npm test builds dist/ from empty first, as npm pack would, and the build here has nothing
    // left to do (run alone, it brings dist/ up to date). Packed as it is: npm pack's own clean
    // build would empty dist/ under the test files that run beside this one.
    run("npm", ["run", "build", "--silent"], packageDir);
    const packed = run(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", project],
      packageDir,
    );
    tarball = path.join(project, packed.trim().split("\n").at(-1)!);
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "user-project", type: "module" }),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", tarball]);
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it("has no runtime dependencies and ships only the compiled library", () => {
    const installed = path.join(project, "node_modules", "concurrent-futures");
    const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8"));
    assert.deepEqual(manifest.dependencies ?? {}, {});
    const files = run("tar", ["-tzf", tarball]).trim().split("\n");
    const outside = files.filter(
      (file) => !/^package\/(dist\/.*\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(file),
    );
    assert.deepEqual(outside, []);
    // A bound that catches anything bulky shipped by mistake (the file list above names what may ship).
    assert.ok(statSync(tarball).size < 160_000, `tarball is ${statSync(tarball).size} bytes`);
    // No source maps ship, so no compiled file may point at one.
    const compiled = files.filter((file) => file.endsWith(".js"));
    const withMap = compiled.filter((file) =>
      readFileSync(path.join(installed, file.replace(/^package\//, "")), "utf8").includes("sourceMappingURL"),
    );
    assert.deepEqual(withMap, []);
  });

  it("is required from CommonJS, a task of a CommonJS module included, as the README shows", () => {
    // The README's CommonJS task, word for word, and require() of the package (Node 20.19+).
    const readme = readFileSync(path.join(packageDir, "README.md"), "utf8");
    const tasks = /```js\n\/\/ tasks\.cjs\n([^`]*)```/.exec(readme)?.[1];
    assert.ok(tasks, "the README shows tasks.cjs");
    writeFileSync(path.join(project, "tasks.cjs"), tasks);
    const main =
      driver("tasks.cjs")
        .replace(
          /^import \{ (.*) \} from "concurrent-futures";$/m,
          'const { $1 } = require("concurrent-futures");',
        )
        .replace('import { cube } from "./tasks.cjs";', 'const { cube } = require("./tasks.cjs");')
        .replace(/^const results = \{\};$/m, "(async () => {\nconst results = {};") + "})();\n";
    writeFileSync(path.join(project, "main.cjs"), main);
    assert.deepEqual(JSON.parse(run(process.execPath, ["main.cjs"])), expected);
  });

  it("exports exactly the pinned names from its root", () => {
    const names = run(process.execPath, [
      "--input-type=module",
      "-e",
      'console.log(JSON.stringify(Object.keys(await import("concurrent-futures")).sort()))',
    ]);
    assert.deepEqual(JSON.parse(names), [...ROOT_EXPORTS].sort());
  });

  it("exports exactly the pinned names from ./queue", () => {
    // bullmq and ioredis are optional peers: borrowed from this repository for the import.
    for (const dependency of ["bullmq", "ioredis"]) {
      run("ln", [
        "-sfn",
        path.join(repository, "node_modules", dependency),
        path.join(project, "node_modules", dependency),
      ]);
    }
    const names = run(process.execPath, [
      "--input-type=module",
      "-e",
      'console.log(JSON.stringify(Object.keys(await import("concurrent-futures/queue")).sort()))',
    ]);
    assert.deepEqual(JSON.parse(names), [...QUEUE_EXPORTS].sort());
  });

  it("recognizes its errors from a second installed copy by kind", () => {
    // A second copy of the installed package, as when a bundled tool and a project each bring one.
    cpSync(path.join(project, "node_modules", "concurrent-futures"), path.join(project, "copy-b"), {
      recursive: true,
    });
    const answers = run(process.execPath, [
      "--input-type=module",
      "-e",
      'const a = await import("concurrent-futures");\n' +
        'const b = await import("./copy-b/dist/index.js");\n' +
        "console.log(JSON.stringify([a.BrokenExecutor !== b.BrokenExecutor,\n" +
        '  new b.BrokenThreadPool("x") instanceof a.BrokenExecutor,\n' +
        '  new b.BrokenThreadPool("x") instanceof a.FuturesError,\n' +
        "  new b.CancelledError() instanceof a.TimeoutError,\n" +
        '  new b.BrokenExecutor("x") instanceof a.BrokenThreadPool,\n' +
        "  new b.CancelledError().code]));",
    ]);
    assert.deepEqual(JSON.parse(answers), [true, true, true, false, false, "ERR_FUTURES_CANCELLED"]);
  });

  it("leaves node:worker_threads and node:child_process unloaded until a pool starts a worker", () => {
    const loaded = run(process.execPath, [
      "--input-type=module",
      "-e",
      'const { ThreadPoolExecutor, ProcessPoolExecutor } = await import("concurrent-futures");\n' +
        "new ThreadPoolExecutor(); new ProcessPoolExecutor();\n" +
        "console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (worker_threads|child_process)$/.test(m))));",
    ]);
    assert.deepEqual(JSON.parse(loaded), []);
  });

  it("starts a pool's child process without node:worker_threads or node:os", () => {
    // Each builtin imported costs every child its load and an ES module wrapper as it starts.
    writeFileSync(
      path.join(project, "loaded.js"),
      'import { task } from "concurrent-futures";\n' +
        'export const loaded = task(import.meta.url, "loaded", () =>\n' +
        "  process.moduleLoadList.filter((m) => /^NativeModule (worker_threads|os)$/.test(m)));\n",
    );
    const inChild = run(process.execPath, [
      "--input-type=module",
      "-e",
      'const { ProcessPoolExecutor } = await import("concurrent-futures");\n' +
        'const { loaded } = await import("./loaded.js");\n' +
        "const pool = new ProcessPoolExecutor({ maxWorkers: 1 });\n" +
        "console.log(JSON.stringify(await pool.submit(loaded).result()));\n" +
        "await pool.shutdown();",
    ]);
    assert.deepEqual(JSON.parse(inChild), []);
  });

  it("imports by name and runs a compiled task on every executor", () => {
    writeFileSync(
      path.join(project, "tasks.js"),
      'import { task } from "concurrent-futures";\nexport const cube = task(import.meta.url, "cube", (n) => n ** 3);\n',
    );
    writeFileSync(path.join(project, "main.mjs"), driver("tasks.js"));
    assert.deepEqual(JSON.parse(run(process.execPath, ["main.mjs"])), expected);
  });

  it("runs tasks on both pools from node --input-type=module -e", () => {
    // The workers must not inherit --input-type (refused outside -e) nor the eval text.
    const script = driver("tasks.js");
    assert.deepEqual(JSON.parse(run(process.execPath, ["--input-type=module", "-e", script])), expected);
  });

  it("runs tasks on both pools from an esbuild bundle with a worker entry, without node_modules", async () => {
    const app = path.join(project, "app");
    mkdirSync(app, { recursive: true });
    writeFileSync(
      path.join(app, "tasks.js"),
      'import { task } from "concurrent-futures";\nexport const cube = task(import.meta.url, "cube", (n) => n ** 3);\n',
    );
    writeFileSync(path.join(app, "worker.js"), 'import "concurrent-futures/worker";\nimport "./tasks.js";\n');
    writeFileSync(
      path.join(app, "main.js"),
      'console.log("top level of main");\n' +
        driver("tasks.js").replace(
          "new Pool({ maxWorkers: 2 })",
          'new Pool({ maxWorkers: 2, workerUrl: new URL("./worker.js", import.meta.url) })',
        ),
    );
    const { build } = await import("esbuild");
    // Deployed elsewhere: the bundle's folder alone, no node_modules beside or above it.
    const deployed = mkdtempSync(path.join(os.tmpdir(), "concurrent-futures-bundle-"));
    try {
      await build({
        absWorkingDir: app,
        entryPoints: ["main.js", "worker.js"],
        bundle: true,
        platform: "node",
        format: "esm",
        outdir: deployed,
        logLevel: "silent",
      });
      const lines = run(process.execPath, [path.join(deployed, "main.js")], deployed)
        .trim()
        .split("\n");
      // The workers found the tasks in the worker entry: the program's top level ran once.
      assert.deepEqual(lines, ["top level of main", JSON.stringify(expected)]);
    } finally {
      rmSync(deployed, { recursive: true, force: true });
    }
  });

  it("runs a TypeScript task from source under tsx", () => {
    writeFileSync(
      path.join(project, "tasks-ts.ts"),
      'import { task } from "concurrent-futures";\nexport const cube = task(import.meta.url, "cube", (n: number): number => n ** 3);\n',
    );
    writeFileSync(path.join(project, "main-ts.mts"), driver("tasks-ts.ts"));
    // tsx comes from this repository: the user project only needs it to be resolvable.
    for (const dependency of ["tsx", "esbuild", "get-tsconfig", "resolve-pkg-maps", "@esbuild"]) {
      run("ln", [
        "-sf",
        path.join(repository, "node_modules", dependency),
        path.join(project, "node_modules", dependency),
      ]);
    }
    assert.deepEqual(JSON.parse(run(process.execPath, ["--import", tsxLoader, "main-ts.mts"])), expected);
  });

  it("runs a TypeScript task that a program imported through tsx's tsImport(), on every executor", () => {
    // As `futures worker --import ./tasks.ts` does: no loader flag, and a module URL that
    // carries tsx's namespace, which means nothing to a pool's worker. (tsx linked above.)
    writeFileSync(
      path.join(project, "main-tsimport.mjs"),
      `import { tsImport } from "tsx/esm/api";\n` +
        driver("tasks-ts.ts").replace(
          'import { cube } from "./tasks-ts.ts";',
          'const { cube } = await tsImport("./tasks-ts.ts", import.meta.url);',
        ),
    );
    assert.deepEqual(JSON.parse(run(process.execPath, ["main-tsimport.mjs"])), expected);
  });
});
