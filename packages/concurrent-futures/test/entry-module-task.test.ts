// A task exported by the program's own entry module: each worker imports that module, whose
// top level would start a pool of its own, and so on without end. It must fail at once with
// one clear error, start no more workers than maxWorkers, and the guard the error shows
// must work. Real programs in a temp folder import the library by name.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsxLoader = path.resolve(packageDir, "../../node_modules/tsx/dist/loader.mjs");

type Start = "top-level await" | "guarded" | "detached";

const startMain: Record<Start, string> = {
  "top-level await": "await main();",
  guarded: "if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();",
  // Not awaited, and main() waits before its submit: the import is over by then.
  detached: "void main();",
};

const program = (start: Start) => `
import { appendFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { ProcessPoolExecutor, ThreadPoolExecutor, task } from "concurrent-futures";

// A trace of every time this module's top level runs, in any process or thread.
appendFileSync(process.env.TRACE, \`\${process.pid}:\${threadId}\\n\`);

export const double = task(import.meta.url, "double", (n) => n * 2);

async function main() {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const Pool = process.env.POOL === "threads" ? ThreadPoolExecutor : ProcessPoolExecutor;
  const pool = new Pool({ maxWorkers: 2 });
  console.log(await pool.submit(double, 21));
  // The workers stay a while, long enough for what a module's top level left running.
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(await pool.submit(double, 1));
  await pool.shutdown();
}

${startMain[start]}
`;

let folder: string;

before(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "futures-entry-"));
  mkdirSync(path.join(folder, "node_modules"));
  symlinkSync(packageDir, path.join(folder, "node_modules", "concurrent-futures"), "dir");
  writeFileSync(path.join(folder, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(path.join(folder, "main.js"), program("top-level await"));
  writeFileSync(path.join(folder, "guarded.js"), program("guarded"));
  writeFileSync(path.join(folder, "detached.js"), program("detached"));
});

after(() => rmSync(folder, { recursive: true, force: true }));

/** Every process whose ancestry leads to `root`, from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (const pid of parents.keys()) {
    for (let up = parents.get(pid); up !== undefined && up > 1; up = parents.get(up)) {
      if (up === root) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "?";
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Node processes seen below the program while it ran, with their command lines. */
  children: Map<number, string>;
  /** Times the module's top level ran, in any process or thread. */
  evaluations: number;
}

/** Run a program of the temp folder, watching its processes; kills them all after `guardMs`. */
async function runProgram(file: string, pool: string, guardMs = 30_000): Promise<Run> {
  const trace = path.join(folder, `${file}-${pool}.trace`);
  writeFileSync(trace, "");
  const child = spawn(process.execPath, ["--conditions=futures-source", "--import", tsxLoader, file], {
    cwd: folder,
    env: { ...process.env, TRACE: trace, POOL: pool },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const children = new Map<number, string>();
  const watch = setInterval(() => {
    for (const pid of descendants(child.pid!)) if (!children.has(pid)) children.set(pid, commandLine(pid));
  }, 20);
  const guard = setTimeout(() => {
    for (const pid of [...children.keys(), child.pid!]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, guardMs);
  const [code] = (await once(child, "close")) as [number | null];
  clearInterval(watch);
  clearTimeout(guard);
  const evaluations = readFileSync(trace, "utf8").split("\n").filter(Boolean).length;
  // Only node processes are workers: the TypeScript loader may run an esbuild service too.
  for (const [pid, command] of children) if (!command.startsWith(process.execPath)) children.delete(pid);
  return { code, stdout, stderr, children, evaluations };
}

describe("a task in the program's own entry module", () => {
  for (const pool of ["processes", "threads"]) {
    it(
      `fails at once with one clear error and no more than maxWorkers workers (${pool})`,
      { timeout: 60_000 },
      async () => {
        const run = await runProgram("main.js", pool);
        assert.equal(run.code, 1, `the program failed: ${run.stdout}${run.stderr}`);
        assert.match(
          run.stderr,
          /submit\(\) was called while a worker was importing file:\/\/\S*main\.js to load a task/,
        );
        assert.match(run.stderr, /Put the tasks in a module of their own/);
        assert.match(run.stderr, /import\.meta\.url === pathToFileURL\(process\.argv\[1\]\)\.href/);
        assert.equal(run.evaluations, 2, "the program, then one worker that refused");
        assert.ok(
          run.children.size <= 2,
          `processes started for maxWorkers 2: ${JSON.stringify([...run.children])}`,
        );
        if (pool === "threads") assert.deepEqual([...run.children], []);
      },
    );

    it(`refuses a main() that the entry module left running, once its import is over (${pool})`, async () => {
      const run = await runProgram("detached.js", pool);
      assert.match(
        run.stderr,
        /submit\(\) was called in a worker outside any task \(left running by the top level of file:\/\/\S*detached\.js\?\)/,
      );
      assert.match(run.stderr, /Put the tasks in a module of their own/);
      assert.equal(run.evaluations, 2, "the program, then one worker");
      assert.ok(
        run.children.size <= 2,
        `processes started for maxWorkers 2: ${JSON.stringify([...run.children])}`,
      );
    });

    it(
      `runs when the program's top level is guarded as the error says (${pool})`,
      { timeout: 60_000 },
      async () => {
        const run = await runProgram("guarded.js", pool);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.stdout.trim().split("\n"), ["42", "2"]);
        assert.equal(run.evaluations, 2);
        assert.ok(run.children.size <= 2, JSON.stringify([...run.children]));
      },
    );
  }
});
