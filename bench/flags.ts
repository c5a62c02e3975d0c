// Benchmark of `futures flags`, whole command included (spawn to exit), against its peers
// measured in the same run, interleaved: `node -e 0` (Node's own start-up), `curl -Z`
// (curl's parallel mode) over the same 676 URLs and, where /usr/bin/python3 has httpx, the
// book's asyncio + httpx downloader (flags2_asyncio.py).
//
//   npx tsx bench/flags.ts [--runs N]
//
// Case 1: `futures flags` (the 20 most populous countries) against nginx: start-up dominates.
// Case 2: -e (AA..ZZ: 194 flags, 482 not found) against nginx, each executor.
// Case 3: -e -m 1000 against DELAY with a fixed 0.5 s delay (the lower bound is 0.5 s).
// nginx (when installed) serves the package's data set on a free port; without it, cases 1
// and 2 run against LOCAL. LOCAL and DELAY run in a child process of their own; every
// download goes to a fresh folder. Numbers, never pass/fail.
//
// FUTURES_CLI: benchmark another build of the command instead of packages/futures-cli/dist/cli/main.js.
// FUTURES_CLI_BASELINE: also run this other build of the command (say, main's) beside each
// futures row, interleaved, and print the ratio between the two ("before/after").
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, textTable } from "futures-cli/bench";
import { startNginx } from "./server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = process.env.FUTURES_CLI ?? join(ROOT, "packages", "futures-cli", "dist", "cli", "main.js");
const BASELINE = process.env.FUTURES_CLI_BASELINE;
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
  /** Peak resident memory of the process in bytes, worker threads included, when measured. */
  peakRss?: number | undefined;
  /** What the command itself reported as its elapsed time, when it does. */
  reportedMs?: number | undefined;
  ok: boolean;
  note?: string | undefined;
}

/**
 * Run every candidate up to RUNS times, round-robin so that each sees the same load; a
 * candidate slower than REPEAT_BELOW_MS (or wrong) runs once. The median sample of each.
 */
export async function measureAll(candidates: (() => Promise<Sample>)[]): Promise<Sample[]> {
  const samples: Sample[][] = candidates.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [index, once] of candidates.entries()) {
      const done = samples[index]!;
      if (done.length > 0 && (done[0]!.ms >= REPEAT_BELOW_MS || !done[0]!.ok)) continue;
      done.push(await once());
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a.ms - b.ms);
    return list[Math.floor((list.length - 1) / 2)]!;
  });
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

/** Loaded with --require, it prints the process's peak RSS as it exits (threads included). */
const PEAK_RSS_HOOK = join(ROOT, "bench", "workers", "peak-rss.cjs");

/**
 * `futures flags ARGS` (with the build `cli`), timed from spawn to exit, into a fresh folder;
 * with `memory`, its peak resident memory too.
 */
export function futuresFlags(
  args: string[],
  env: NodeJS.ProcessEnv,
  expected = { ok: 194, notFound: 482 },
  cli = CLI,
  memory = false,
): Promise<Sample> {
  return withDest(async (dest) => {
    const run = await timeCommand(
      process.execPath,
      [...(memory ? ["--require", PEAK_RSS_HOOK] : []), cli, "flags", ...args, "--no-progress", "-d", dest],
      env,
    );
    const reported = /Elapsed time: ([\d.]+)s/.exec(run.stdout);
    const ok = run.code === 0 && counted(run.stdout, expected.ok, expected.notFound);
    const rss = /^futures-bench peak-rss-kib (\d+)$/m.exec(run.stderr);
    return {
      ms: run.ms,
      peakRss: rss ? Number(rss[1]) * 1024 : undefined,
      reportedMs: reported ? Number(reported[1]) * 1000 : undefined,
      ok,
      note: ok
        ? undefined
        : `exit ${run.code}: ${(run.stdout + run.stderr).trim().split("\n").slice(-3).join(" / ")}`,
    };
  });
}

export interface ThreadsAgainstAsync {
  threads: Sample;
  async: Sample;
  /** threads' time / async's time, and the same for peak RSS (undefined when a run failed). */
  timeRatio: number | undefined;
  memoryRatio: number | undefined;
}

/**
 * `futures flags -e -x threads` against `-x async` (their default concurrency each), `runs`
 * times alternated, each with its time and peak RSS; the median time and median RSS of each.
 * Threads in Node are isolates, not the book's cheap threads: this is what they cost.
 */
export async function threadsAgainstAsync(
  baseUrl: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<ThreadsAgainstAsync> {
  const samples: Record<"threads" | "async", Sample[]> = { threads: [], async: [] };
  for (let run = 0; run < runs; run++) {
    for (const executor of ["threads", "async"] as const) {
      samples[executor].push(
        await futuresFlags(["-e", "-x", executor, "-s", baseUrl], env, undefined, CLI, true),
      );
    }
  }
  const summary = (list: Sample[]): Sample => {
    const failed = list.find((sample) => !sample.ok || sample.peakRss === undefined);
    if (failed) return { ...failed, ok: false, note: failed.note ?? "no peak RSS line" };
    return {
      ms: median(list.map((sample) => sample.ms)),
      peakRss: median(list.map((sample) => sample.peakRss!)),
      reportedMs: median(list.map((sample) => sample.reportedMs ?? NaN)),
      ok: true,
    };
  };
  const threads = summary(samples.threads);
  const async = summary(samples.async);
  const both = threads.ok && async.ok;
  return {
    threads,
    async,
    timeRatio: both ? threads.ms / async.ms : undefined,
    memoryRatio: both ? threads.peakRss! / async.peakRss! : undefined,
  };
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

// ---- report ----------------------------------------------------------------------------

interface Row {
  command: string;
  sample: Sample;
  /** The same command with FUTURES_CLI_BASELINE, measured in the same rounds. */
  before?: Sample | undefined;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(3)} s`;
}

/** How many times faster `ours` is than `other` (other's time / our time). */
function ratio(ours: Sample | undefined, other: Sample | undefined): string {
  if (!other || !ours || !other.ok || !ours.ok) return "-";
  return `${(other.ms / ours.ms).toFixed(2)}x`;
}

function printTable(title: string, rows: Row[], peers: [name: string, sample: Sample | undefined][]): void {
  console.log(`\n${title}`);
  console.log(
    "whole: spawn to exit; reported: the command's own Elapsed time; vs X: X's time / this time" +
      (BASELINE ? "; before: FUTURES_CLI_BASELINE, same rounds" : ""),
  );
  const header = [
    "command",
    ...(BASELINE ? ["before", "after/before"] : []),
    "whole",
    "reported",
    ...peers.map(([name]) => `vs ${name}`),
  ];
  const lines = rows.map(({ command, sample, before }) => [
    command + (sample.ok ? "" : `  (WRONG RESULT: ${sample.note})`),
    ...(BASELINE ? [before ? seconds(before.ms) : "", before ? ratio(sample, before) : ""] : []),
    seconds(sample.ms),
    seconds(sample.reportedMs),
    ...peers.map(([, peer]) => (peer === sample ? "" : ratio(sample, peer))),
  ]);
  for (const line of textTable(header, lines)) console.log(line);
}

/**
 * Measure `futures flags ARGS` (and the baseline build, when given) with the peers, all in
 * the same interleaved rounds; the rows and the peers' samples.
 */
async function futuresCase(
  commands: [label: string, args: string[]][],
  peers: [label: string, once: (() => Promise<Sample>) | undefined][],
  env: NodeJS.ProcessEnv,
  expected?: { ok: number; notFound: number },
): Promise<{ rows: Row[]; peers: (Sample | undefined)[] }> {
  const candidates: (() => Promise<Sample>)[] = [];
  for (const [, args] of commands) {
    candidates.push(() => futuresFlags(args, env, expected));
    if (BASELINE) candidates.push(() => futuresFlags(args, env, expected, BASELINE));
  }
  const present = peers.filter(([, once]) => once !== undefined);
  for (const [, once] of present) candidates.push(once!);
  const samples = await measureAll(candidates);
  const step = BASELINE ? 2 : 1;
  const rows: Row[] = commands.map(([label], index) => ({
    command: label,
    sample: samples[index * step]!,
    before: BASELINE ? samples[index * step + 1] : undefined,
  }));
  const peerSamples = samples.slice(commands.length * step);
  for (const [index, [label]] of present.entries())
    rows.push({ command: label, sample: peerSamples[index]! });
  return {
    rows,
    peers: peers.map(([, once]) =>
      once ? peerSamples[present.findIndex(([, o]) => o === once)] : undefined,
    ),
  };
}

// ---- main ------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.FUTURES_CLI) {
    console.log("building the packages (npm run build) ...");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  for (const cli of [CLI, ...(BASELINE ? [BASELINE] : [])]) {
    const help = await timeCommand(process.execPath, [cli, "flags", "--help"]);
    if (help.code !== 0) {
      console.error(`${cli} has no flags command (exit ${help.code}); is it wired into src/cli/main.ts?`);
      process.exit(1);
    }
  }

  const servers = await startServers();
  const nginx = await startNginx();
  const env = {
    FUTURES_LOCAL_PORT: new URL(servers.urls.LOCAL).port,
    FUTURES_DELAY_PORT: new URL(servers.urls.DELAY).port,
  };
  const python = hasPythonHttpx();
  console.log(`futures: ${CLI}${BASELINE ? `; before: ${BASELINE}` : ""}`);
  console.log(`${RUNS} interleaved runs per case (median), slow cases run once`);
  console.log(`server: LOCAL ${servers.urls.LOCAL}, DELAY ${servers.urls.DELAY} (0.5 s), in a child process`);
  const nginxBase = nginx?.url.replace(/\/br\/br\.gif$/, "");
  if (nginx) console.log(`nginx: ${nginx.name}, ${nginxBase}`);
  else console.log("nginx not found: cases 1 and 2 run against LOCAL (apt-get install nginx to include it)");
  if (!python)
    console.log(`${PYTHON} has no httpx: the Python peer is left out (apt-get install python3-httpx)`);

  const fast = nginxBase ? { label: "nginx", url: nginxBase } : { label: "LOCAL", url: servers.urls.LOCAL };
  try {
    // Case 1: start-up dominates a run of 20 flags.
    const bare = async (): Promise<Sample> => ({
      ms: (await timeCommand(process.execPath, ["-e", "0"])).ms,
      ok: true,
    });
    const startUp = await futuresCase(
      [[`futures flags -s ${fast.label}`, ["-s", fast.url]]],
      [["node -e 0", bare]],
      env,
      { ok: 20, notFound: 0 },
    );
    printTable(`Case 1: futures flags (20 flags) against ${fast.label}`, startUp.rows, [
      ["node -e 0", startUp.peers[0]],
    ]);
    const twenty = startUp.rows[0]!.sample;
    if (startUp.peers[0]?.ok && twenty.ok)
      console.log(
        `futures flags takes ${(twenty.ms / startUp.peers[0].ms).toFixed(2)} times node's own start-up`,
      );

    // Case 2
    const executors = ["sequential", "threads", "processes", "async"] as const;
    const every = await futuresCase(
      [
        ...executors.map((executor): [string, string[]] => [
          `futures flags -e -x ${executor}`,
          ["-e", "-x", executor, "-s", fast.url],
        ]),
        ["futures flags -e -x async -m 50", ["-e", "-x", "async", "-m", "50", "-s", fast.url]],
      ],
      [
        [
          "python3 asyncio+httpx (flags2_asyncio, 5 requests)",
          python ? () => pythonAsyncio(fast.url, 5) : undefined,
        ],
        ["curl -Z --parallel-max 50", () => curlParallel(fast.url, 50)],
      ],
      env,
    );
    printTable(`Case 2: -e against ${fast.label} (676 codes: 194 flags, 482 not found)`, every.rows, [
      ["python", every.peers[0]],
      ["curl", every.peers[1]],
    ]);

    // Case 2b: what threads cost against the event loop, time and memory.
    const cost = await threadsAgainstAsync(fast.url, env, Math.max(RUNS, 3));
    console.log(`\nCase 2b: -e -x threads against -x async, ${fast.label}, alternated, time and peak RSS`);
    const mib = (sample: Sample) =>
      sample.peakRss === undefined ? "-" : `${(sample.peakRss / 2 ** 20).toFixed(0)} MiB`;
    for (const line of textTable(
      ["command", "whole", "reported", "peak RSS"],
      (["threads", "async"] as const).map((executor) => {
        const sample = cost[executor];
        return [
          `futures flags -e -x ${executor}` + (sample.ok ? "" : `  (WRONG RESULT: ${sample.note})`),
          seconds(sample.ms),
          seconds(sample.reportedMs),
          mib(sample),
        ];
      }),
    ))
      console.log(line);
    if (cost.timeRatio !== undefined)
      console.log(
        `threads / async: ${cost.timeRatio.toFixed(2)}x the time (goal <= 1.5x), ` +
          `${cost.memoryRatio!.toFixed(2)}x the peak RSS (goal <= 2x)`,
      );

    // Case 3: sequential would need 676 x 0.5 s = 5.6 minutes; it is left out.
    const delayed = await futuresCase(
      executors
        .filter((name) => name !== "sequential")
        .map((executor): [string, string[]] => [
          `futures flags -e -m 1000 -s DELAY -x ${executor}`,
          ["-e", "-m", "1000", "-s", "DELAY", "-x", executor],
        ]),
      [
        [
          "python3 asyncio+httpx (1000 requests, 100 connections)",
          python ? () => pythonAsyncio(servers.urls.DELAY, 1000) : undefined,
        ],
        ["curl -Z --parallel-max 300 (curl's maximum)", () => curlParallel(servers.urls.DELAY, 300)],
      ],
      env,
    );
    printTable("Case 3: -e -m 1000 against DELAY, fixed 0.5 s (the bound is 0.5 s)", delayed.rows, [
      ["python", delayed.peers[0]],
      ["curl", delayed.peers[1]],
    ]);

    // Where the time of the default run goes.
    const importUrl = pathToFileURL(join(DIST, "flags", "run-flags.js")).href;
    const [cliStart, imports] = await measureAll([
      async () => ({ ms: (await timeCommand(process.execPath, [CLI, "flags", "--help"])).ms, ok: true }),
      async () => {
        const script = `await import(${JSON.stringify(importUrl)}); await import("undici/lib/dispatcher/agent.js");`;
        return {
          ms: (await timeCommand(process.execPath, ["--input-type=module", "-e", script])).ms,
          ok: true,
        };
      },
    ]);
    const best = every.rows.find((row) => row.command === "futures flags -e -x async")!.sample;
    console.log(`\nWhere the time of \`futures flags -e -x async\` goes (${fast.label}):`);
    console.log(`  node start-up (node -e 0)                        ${seconds(startUp.peers[0]?.ms)}`);
    console.log(`  futures flags --help (start-up, bundle + cache)  ${seconds(cliStart!.ms)}`);
    console.log(`  node + the same modules unbundled, no cache      ${seconds(imports!.ms)}`);
    console.log(`  requests and files (its own "Elapsed time")      ${seconds(best.reportedMs)}`);
    console.log(`  whole command                                    ${seconds(best.ms)}`);
  } finally {
    servers.stop();
    await nginx?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
