// Benchmark of `futures flags`, whole command included, against its peers measured in the
// same run: `curl -Z` (curl's parallel mode) over the same 676 URLs and, where
// /usr/bin/python3 has httpx, the book's asyncio + httpx downloader.
//
//   npx tsx bench/flags.ts [--runs N]
//
// Case 1: -e (AA..ZZ: 194 flags, 482 not found) against LOCAL, default concurrency.
// Case 2: -e -m 1000 against DELAY with a fixed 0.5 s delay (the lower bound is 0.5 s).
// The flag server runs in a child process of its own; every download goes to a fresh folder.
// Set FUTURES_CLI to benchmark another build of the futures command instead of packages/futures-cli/dist/cli/main.js.
// Numbers, never pass/fail.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { textTable } from "../packages/futures-cli/src/cli/text-table.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = process.env.FUTURES_CLI ?? join(ROOT, "packages", "futures-cli", "dist", "cli", "main.js");
const DIST = join(dirname(CLI), "..");
const PYTHON = "/usr/bin/python3";
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
/** Runs slower than this are not repeated: one sample is plenty. */
const REPEAT_BELOW_MS = 3000;

interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
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
  /** What the command itself reported as its elapsed time, when it does. */
  reportedMs?: number | undefined;
  ok: boolean;
  note?: string | undefined;
}

/** Run `once` up to RUNS times (fewer when it is slow); the median sample. */
export async function measure(once: () => Promise<Sample>): Promise<Sample> {
  const samples: Sample[] = [];
  let total = 0;
  while (samples.length < RUNS && (samples.length === 0 || total / samples.length < REPEAT_BELOW_MS)) {
    const sample = await once();
    samples.push(sample);
    total += sample.ms;
    if (!sample.ok) break;
  }
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor((samples.length - 1) / 2)]!;
}

export async function withDest<T>(work: (dest: string) => Promise<T>): Promise<T> {
  const dest = await mkdtemp(join(tmpdir(), "futures-bench-flags-"));
  try {
    return await work(dest);
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}

const EVERY = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].flatMap((a) =>
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((b) => a + b),
);

/** Does the output say 194 downloaded and 482 not found? */
function counted(text: string, ok: number, notFound: number): boolean {
  // The report leaves out a count of zero.
  const notFoundSaid =
    notFound === 0 ? !/not found/.test(text) : new RegExp(`\\b${notFound} not found`).test(text);
  return new RegExp(`\\b${ok} flags downloaded`).test(text) && notFoundSaid;
}

export function futuresFlags(
  args: string[],
  env: NodeJS.ProcessEnv,
  expected = { ok: 194, notFound: 482 },
): Promise<Sample> {
  return withDest(async (dest) => {
    const run = await timeCommand(
      process.execPath,
      [CLI, "flags", ...args, "--no-progress", "-d", dest],
      env,
    );
    const reported = /Elapsed time: ([\d.]+)s/.exec(run.stdout);
    const ok = run.code === 0 && counted(run.stdout, expected.ok, expected.notFound);
    return {
      ms: run.ms,
      reportedMs: reported ? Number(reported[1]) * 1000 : undefined,
      ok,
      note: ok
        ? undefined
        : `exit ${run.code}: ${(run.stdout + run.stderr).trim().split("\n").slice(-3).join(" / ")}`,
    };
  });
}

export function curlParallel(baseUrl: string, parallel: number): Promise<Sample> {
  return withDest(async (dest) => {
    const config = EVERY.map((cc) => {
      const code = cc.toLowerCase();
      return `url = "${baseUrl}/${code}/${code}.gif"\noutput = "${dest}/${code}.gif"`;
    }).join("\n");
    const configFile = join(dest, ".curl-config");
    await writeFile(configFile, config);
    // --fail: a 404 saves nothing, as the downloaders do.
    const run = await timeCommand("curl", [
      "-s",
      "--fail",
      "-Z",
      "--parallel-max",
      String(parallel),
      "-K",
      configFile,
    ]);
    const files = execFileSync("ls", [dest])
      .toString()
      .split("\n")
      .filter((name) => name.endsWith(".gif"));
    return { ms: run.ms, ok: files.length === 194, note: `${files.length} files` };
  });
}

// flags2_asyncio.py in short: a semaphore bounds the requests, httpx.AsyncClient with its
// default limits (at most 100 connections), asyncio.as_completed, files saved in a thread.
const PYTHON_ASYNCIO = `
import asyncio, sys, time
from collections import Counter
from pathlib import Path
import httpx

base_url, concur_req, dest = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
codes = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]

async def download_one(client, cc, semaphore):
    url = f"{base_url}/{cc}/{cc}.gif".lower()
    async with semaphore:
        resp = await client.get(url, timeout=6.1, follow_redirects=True)
    if resp.status_code == 404:
        return "not found"
    resp.raise_for_status()
    await asyncio.to_thread((dest / f"{cc.lower()}.gif").write_bytes, resp.content)
    return "ok"

async def supervisor():
    counter = Counter()
    semaphore = asyncio.Semaphore(concur_req)
    async with httpx.AsyncClient() as client:
        for coro in asyncio.as_completed([download_one(client, cc, semaphore) for cc in codes]):
            try:
                counter[await coro] += 1
            except httpx.HTTPError:
                counter["error"] += 1
    return counter

t0 = time.perf_counter()
counter = asyncio.run(supervisor())
print(f"{counter['ok']} flags downloaded.\\n{counter['not found']} not found.\\n{counter['error']} errors.")
print(f"Elapsed time: {time.perf_counter() - t0:.2f}s")
`;

export function pythonAsyncio(baseUrl: string, concurrency: number): Promise<Sample> {
  return withDest(async (dest) => {
    const run = await timeCommand(PYTHON, ["-c", PYTHON_ASYNCIO, baseUrl, String(concurrency), dest]);
    const reported = /Elapsed time: ([\d.]+)s/.exec(run.stdout);
    const ok = run.code === 0 && counted(run.stdout, 194, 482);
    return { ms: run.ms, reportedMs: reported ? Number(reported[1]) * 1000 : undefined, ok };
  });
}

export function hasPythonHttpx(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import httpx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

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

// ---- report ---------------------------------------------------------------------------

interface Row {
  command: string;
  sample: Sample;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(3)} s`;
}

/** How many times faster than the peer we are (peer time / our time). */
function ratio(ours: Sample, peer: Sample | undefined): string {
  if (!peer || !peer.ok || !ours.ok) return "-";
  return `${(peer.ms / ours.ms).toFixed(2)}x`;
}

function printTable(title: string, rows: Row[], python: Sample | undefined, curl: Sample | undefined): void {
  console.log(`\n${title}`);
  console.log("whole: spawn to exit; reported: the command's own Elapsed time; vs: peer time / this time");
  const header = ["command", "whole", "reported", "vs python", "vs curl"];
  const lines = rows.map(({ command, sample }) => [
    command + (sample.ok ? "" : `  (WRONG RESULT: ${sample.note})`),
    seconds(sample.ms),
    seconds(sample.reportedMs),
    ratio(sample, python),
    ratio(sample, curl),
  ]);
  for (const line of textTable(header, lines)) console.log(line);
}

// ---- main -----------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.FUTURES_CLI) {
    console.log("building the packages (npm run build) ...");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  const help = await timeCommand(process.execPath, [CLI, "flags", "--help"]);
  if (help.code !== 0) {
    console.error(`${CLI} has no flags command (exit ${help.code}); is it wired into src/cli/main.ts?`);
    process.exit(1);
  }

  const servers = await startServers();
  const env = {
    FUTURES_LOCAL_PORT: new URL(servers.urls.LOCAL).port,
    FUTURES_DELAY_PORT: new URL(servers.urls.DELAY).port,
  };
  const python = hasPythonHttpx();
  console.log(`futures: ${CLI}; ${RUNS} runs per case (median), slow cases run once`);
  console.log(`server: LOCAL ${servers.urls.LOCAL}, DELAY ${servers.urls.DELAY} (0.5 s), in a child process`);
  if (!python)
    console.log(`${PYTHON} has no httpx: the Python peer is left out (apt-get install python3-httpx)`);

  try {
    const executors = ["sequential", "threads", "processes", "async"] as const;

    // Case 1
    const localRows: Row[] = [];
    for (const executor of executors) {
      localRows.push({
        command: `futures flags -e -x ${executor}`,
        sample: await measure(() => futuresFlags(["-e", "-x", executor], env)),
      });
    }
    localRows.push({
      command: "futures flags -e -x async -m 50",
      sample: await measure(() => futuresFlags(["-e", "-x", "async", "-m", "50"], env)),
    });
    const localPython = python ? await measure(() => pythonAsyncio(servers.urls.LOCAL, 5)) : undefined;
    const localCurl = await measure(() => curlParallel(servers.urls.LOCAL, 50));
    if (localPython)
      localRows.push({ command: "python3 asyncio+httpx (flags2_asyncio, 5 requests)", sample: localPython });
    localRows.push({ command: "curl -Z --parallel-max 50", sample: localCurl });
    printTable(
      "Case 1: -e against LOCAL (676 codes: 194 flags, 482 not found)",
      localRows,
      localPython,
      localCurl,
    );

    // Case 2: sequential would need 676 x 0.5 s = 5.6 minutes; it is left out.
    const delayRows: Row[] = [];
    for (const executor of executors.filter((name) => name !== "sequential")) {
      delayRows.push({
        command: `futures flags -e -m 1000 -s DELAY -x ${executor}`,
        sample: await measure(() => futuresFlags(["-e", "-m", "1000", "-s", "DELAY", "-x", executor], env)),
      });
    }
    const delayPython = python ? await measure(() => pythonAsyncio(servers.urls.DELAY, 1000)) : undefined;
    const delayCurl = await measure(() => curlParallel(servers.urls.DELAY, 300));
    if (delayPython)
      delayRows.push({
        command: "python3 asyncio+httpx (1000 requests, 100 connections)",
        sample: delayPython,
      });
    delayRows.push({ command: "curl -Z --parallel-max 300 (curl's maximum)", sample: delayCurl });
    printTable(
      "Case 2: -e -m 1000 against DELAY, fixed 0.5 s (the bound is 0.5 s)",
      delayRows,
      delayPython,
      delayCurl,
    );

    // Where the time of the best case goes.
    const bare = await measure(async () => ({
      ms: (await timeCommand(process.execPath, ["-e", "0"])).ms,
      ok: true,
    }));
    const cliStart = await measure(async () => ({
      ms: (await timeCommand(process.execPath, [CLI, "flags", "--help"])).ms,
      ok: true,
    }));
    const importUrl = pathToFileURL(join(DIST, "flags", "run-flags.js")).href;
    const imports = await measure(async () => {
      const script = `await import(${JSON.stringify(importUrl)}); await import("node:http");`;
      return {
        ms: (await timeCommand(process.execPath, ["--input-type=module", "-e", script])).ms,
        ok: true,
      };
    });
    const best = localRows.find((row) => row.command === "futures flags -e -x async")!.sample;
    console.log("\nWhere the time of `futures flags -e -x async` goes (LOCAL):");
    console.log(`  node start-up (node -e 0)                        ${seconds(bare.ms)}`);
    console.log(`  futures flags --help (start-up + CLI modules)    ${seconds(cliStart.ms)}`);
    console.log(`  node + the downloader's modules                  ${seconds(imports.ms)}`);
    console.log(`  requests and files (its own "Elapsed time")      ${seconds(best.reportedMs)}`);
    console.log(`  whole command                                    ${seconds(best.ms)}`);
  } finally {
    servers.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
