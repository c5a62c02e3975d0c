// The `futures` command run in a child process, as a user runs it: the one way every test
// starts the command. From source (under tsx, the library resolving to its sources too through
// the "futures-source" export condition, which only development asks for), unless the test
// runner says the build is fresh (`npm test` builds first): then the compiled command, as the
// package ships it, which starts in a third of the time, and its pools' children too. A run
// that imports a TypeScript module (a fixture's tasks) stays under tsx.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The real `futures` entry, run from source. */
export const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
export const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");
const BUILT_CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const built = process.env.FUTURES_TEST_BUILT === "1" && existsSync(BUILT_CLI);

/**
 * Node's arguments that run `futures ARGS`: compiled when the build is fresh, else (or with
 * `fromSource`: a queue worker for a producer of the test's own, which names its tasks by their
 * source modules) from source.
 */
export function cliArgs(args: string[], fromSource = false): string[] {
  if (built && !fromSource && !args.some((arg) => /\.[cm]?ts$/.test(arg))) return [BUILT_CLI, ...args];
  return ["--conditions=futures-source", "--import", TSX, CLI, ...args];
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's non-empty lines. */
  lines: string[];
}

/** Start `futures ARGS` in `cwd`; the test owns the child until it exits. */
export function spawnCli(
  args: string[],
  cwd = PACKAGE_DIR,
  env: NodeJS.ProcessEnv = {},
  fromSource = false,
): ChildProcess {
  return spawn(process.execPath, cliArgs(args, fromSource), {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Wait for a child started by spawnCli; kill it (by its pid) if it outlives `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`futures did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split("\n").filter((line) => line !== "");
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}

/** Run `futures ARGS` to the end. */
export function runCli(
  args: string[],
  cwd = PACKAGE_DIR,
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return finished(spawnCli(args, cwd, env), timeoutMs);
}

/** Resolve with the child's stderr from now on, once it matches `pattern`; reject after `ms`. */
export function stderrUntil(child: ChildProcess, pattern: RegExp, ms = 20_000): Promise<string> {
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${text}`)), ms);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        child.stderr!.off("data", onData);
        resolve(text);
      }
    };
    child.stderr!.on("data", onData);
  });
}
