// What every flags benchmark shares: a command timed from spawn to exit, a fresh destination
// folder per run, the check of the counts a run reports, `futures flags` itself, and the
// flag servers LOCAL and DELAY on free ports.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The build measured: FUTURES_CLI, or this worktree's. */
export const CLI = process.env.FUTURES_CLI ?? join(ROOT, "packages", "futures-cli", "dist", "cli", "main.js");

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      cwd,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

export interface Sample {
  ms: number;
  /** Peak resident memory of the process in bytes, worker threads included, when measured. */
  peakRss?: number | undefined;
  /** What the command itself reported as its elapsed time, when it does. */
  reportedMs?: number | undefined;
  /** How many requests the command said it keeps in flight ("N concurrent connections"), when it says. */
  concurrency?: number | undefined;
  ok: boolean;
  note?: string | undefined;
}

export async function withDest<T>(work: (dest: string) => Promise<T>): Promise<T> {
  const dest = await mkdtemp(join(tmpdir(), "futures-bench-flags-"));
  try {
    return await work(dest);
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}

/** What `-e` finds in the book's data set: 194 flags among the 676 codes AA..ZZ. */
export const EVERY_CODE = { ok: 194, notFound: 482 };

/** Does the output say 194 flags downloaded and 482 not found (the book's report lines)? */
export function counted(text: string, ok: number, notFound: number): boolean {
  // The report leaves out a count of zero.
  const notFoundSaid =
    notFound === 0 ? !/not found/.test(text) : new RegExp(`\\b${notFound} not found`).test(text);
  return new RegExp(`\\b${ok} flags downloaded`).test(text) && notFoundSaid;
}

/** A run that prints the book's report: its time, its own Elapsed time, and whether the counts are right. */
export function reported(run: Timed, expected = EVERY_CODE): Sample {
  const elapsed = /Elapsed time: ([\d.]+)s/.exec(run.stdout);
  const connections = /^(\d+) concurrent connections will be used/m.exec(run.stdout);
  const ok = run.code === 0 && counted(run.stdout, expected.ok, expected.notFound);
  return {
    ms: run.ms,
    reportedMs: elapsed ? Number(elapsed[1]) * 1000 : undefined,
    concurrency: connections ? Number(connections[1]) : undefined,
    ok,
    note: ok
      ? undefined
      : `exit ${run.code}: ${(run.stdout + run.stderr).trim().split("\n").slice(-3).join(" / ")}`,
  };
}

/** Loaded with --require, it prints the process's peak RSS as it exits (threads included). */
const PEAK_RSS_HOOK = join(ROOT, "bench", "workers", "peak-rss.cjs");

/**
 * `futures flags ARGS` (with the build `cli`), timed from spawn to exit, into a fresh folder;
 * with `memory`, its peak resident memory too.
 */
export function futuresFlags(
  args: string[],
  env: NodeJS.ProcessEnv,
  expected = EVERY_CODE,
  cli = CLI,
  memory = false,
): Promise<Sample> {
  return withDest(async (dest) => {
    const run = await timeCommand(
      process.execPath,
      [...(memory ? ["--require", PEAK_RSS_HOOK] : []), cli, "flags", ...args, "--no-progress", "-d", dest],
      env,
    );
    const rss = /^futures-bench peak-rss-kib (\d+)$/m.exec(run.stderr);
    return { ...reported(run, expected), peakRss: rss ? Number(rss[1]) * 1024 : undefined };
  });
}

const DIST = join(dirname(CLI), "..");

export interface Servers {
  urls: { LOCAL: string; DELAY: string };
  stop(): void;
}

/** The flag server in a child node process: LOCAL, and DELAY with a fixed 0.5 s. */
export async function startServers(): Promise<Servers> {
  const serverModule = pathToFileURL(join(DIST, "server", "index.js")).href;
  const script =
    `const { startFlagServer } = await import(${JSON.stringify(serverModule)});\n` +
    `const server = await startFlagServer({ only: ["LOCAL", "DELAY"], ports: { LOCAL: 0, DELAY: 0 }, delay: 0.5 });\n` +
    `console.log(JSON.stringify(server.urls));\n` +
    `process.stdin.on("end", () => server.close().then(() => process.exit(0))).resume();\n`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", (code) => reject(new Error(`the flag server exited with ${code}`)));
  });
  return { urls: JSON.parse(line), stop: () => child.stdin.end() };
}
