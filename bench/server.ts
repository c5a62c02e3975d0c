// Throughput of the LOCAL flag server next to nginx and a raw node:http server, all three
// measured alike: each in its own process, one flag, `wrk -t2 -c50`, the same run.
//   npx tsx bench/server.ts            (BENCH_SECONDS=10 for longer runs, BENCH_ROUNDS=3 for more rounds)
// Rounds alternate between the servers and each keeps its best, because the machine is shared;
// the server's CPU time per request (from /proc) is steadier than req/s when other work runs.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_DATA_DIR } from "futures-cli/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const THREADS = 2;
const CONNECTIONS = 50;
const FLAG_PATH = "/flags/br/br.gif";
const TARGET = fileURLToPath(new URL("./server-target.ts", import.meta.url));
const OUT_DIR = fileURLToPath(new URL("./out/", import.meta.url));
const TICK_US = 1_000_000 / clockTicksPerSecond();

interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
}

export interface Contender {
  name: string;
  url: string;
  /** The server's processes (nginx: master and worker), for their CPU time. */
  pid: number;
  stop: () => Promise<void>;
  best?: Measured;
  /** Least server CPU time per request over the rounds, in microseconds. */
  cpuPerRequestUs?: number;
}

export interface ServerRun {
  /** futures LOCAL first, then raw node:http, then nginx when it is installed. */
  contenders: Contender[];
  /** Peers left out, and why. */
  skipped: string[];
}

/** wrk against the three servers, alternating rounds; undefined when wrk is not installed. */
export async function measureServers(seconds = SECONDS, rounds = ROUNDS): Promise<ServerRun | undefined> {
  if (!hasBinary("wrk", ["--version"])) return undefined;
  const contenders: Contender[] = [];
  const skipped: string[] = [];
  try {
    contenders.push(await startNodeTarget("futures LOCAL", "futures"));
    contenders.push(await startNodeTarget("raw node:http, cached buffer", "node"));
    const nginx = await startNginx();
    if (nginx) contenders.push(nginx);
    else skipped.push("nginx not found: skipping that peer (apt-get install nginx to include it).");

    for (const contender of contenders) await runWrk(contender.url, 1); // warm up the JIT and the caches
    for (let round = 0; round < rounds; round++) {
      for (const contender of contenders) {
        const cpuBefore = await cpuTicks(contender.pid);
        const measured = await runWrk(contender.url, seconds);
        const cpuAfter = await cpuTicks(contender.pid);
        if (!contender.best || measured.requestsPerSecond > contender.best.requestsPerSecond) {
          contender.best = measured;
        }
        if (cpuBefore !== undefined && cpuAfter !== undefined) {
          const perRequest = ((cpuAfter - cpuBefore) * TICK_US) / measured.requests;
          contender.cpuPerRequestUs = Math.min(contender.cpuPerRequestUs ?? Infinity, perRequest);
        }
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.stop()));
  }
  return { contenders, skipped };
}

async function main(): Promise<void> {
  if (!hasBinary("wrk", ["--version"])) {
    console.log("wrk not found: install the Debian package wrk (apt-get install wrk) to run this benchmark.");
    return;
  }
  const flagBytes = (await readFile(join(DEFAULT_DATA_DIR, FLAG_PATH))).length;
  console.log(
    `wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s on ${FLAG_PATH} (${flagBytes} bytes), best of ${ROUNDS} ` +
      `alternating rounds; load average ${loadavg()[0]!.toFixed(1)} on this machine at the start`,
  );
  const { contenders, skipped } = (await measureServers())!;
  for (const line of skipped) console.log(line);
  printTable(contenders);
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(
    join(OUT_DIR, "server.json"),
    JSON.stringify(
      contenders.map(({ name, best, cpuPerRequestUs }) => ({ name, ...best, cpuPerRequestUs })),
      null,
      2,
    ) + "\n",
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();

function printTable(rows: Contender[]): void {
  const ours = rows[0]!;
  const ratio = (mine: number | undefined, theirs: number | undefined) =>
    mine && theirs ? `${(mine / theirs).toFixed(2)}x` : "";
  const lines = [
    ["server", "req/s", "p99 latency", "CPU per request", "futures req/s vs it", "futures CPU vs it"],
    ...rows.map(({ name, best, cpuPerRequestUs }, i) => [
      name,
      Math.round(best!.requestsPerSecond).toLocaleString("en-US"),
      `${best!.p99Ms.toFixed(2)} ms`,
      cpuPerRequestUs === undefined ? "n/a" : `${cpuPerRequestUs.toFixed(1)} us`,
      i === 0 ? "" : ratio(ours.best!.requestsPerSecond, best!.requestsPerSecond),
      i === 0 ? "" : ratio(ours.cpuPerRequestUs, cpuPerRequestUs),
    ]),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) =>
    "| " +
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join(" | ") +
    " |";
  console.log();
  console.log(format(lines[0]!));
  console.log(
    "|" +
      widths
        .map((width, column) => (column === 0 ? "-".repeat(width + 2) : "-".repeat(width + 1) + ":"))
        .join("|") +
      "|",
  );
  for (const line of lines.slice(1)) console.log(format(line));
  console.log("\nreq/s: higher is better; CPU per request (the server's processes only): lower is better.");
  console.log(
    "Measured before on this kind of machine: nginx about 113k req/s, raw node:http about 58k req/s.",
  );
}

async function startNodeTarget(name: string, kind: "futures" | "node"): Promise<Contender> {
  const child = spawn(process.execPath, ["--import", "tsx", TARGET, kind], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  return {
    name,
    url: `http://127.0.0.1:${port}${FLAG_PATH}`,
    pid: child.pid!,
    stop: () => stopChild(child, "SIGTERM"),
  };
}

/** nginx with one worker (like node's one thread) on a free loopback port, serving data/. */
export async function startNginx(): Promise<Contender | undefined> {
  const version = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  if (version.error) return undefined;
  const name = `${/nginx\/[\d.]+/.exec(version.stderr)?.[0] ?? "nginx"}, 1 worker`;
  const dir = await mkdtemp(join(tmpdir(), "bench-nginx-"));
  const port = await freePort();
  const config = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  types { image/gif gif; application/json json; }
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  open_file_cache max=1000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${DEFAULT_DATA_DIR}; }
}
`;
  await writeFile(join(dir, "nginx.conf"), config);
  const child = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForPort(port);
  return {
    name,
    url: `http://127.0.0.1:${port}${FLAG_PATH}`,
    pid: child.pid!,
    stop: async () => {
      await stopChild(child, "SIGQUIT");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runWrk(url: string, seconds: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", url];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", () => {
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
      const total = /(\d+) requests in/.exec(output);
      const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(output);
      const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: .*/.exec(output);
      if (!rate || !p99 || !total) return reject(new Error(`cannot read wrk's output:\n${output}`));
      if (errors) console.log(`note: wrk reported ${errors[0]} for ${url}`);
      const scale = { us: 0.001, ms: 1, s: 1000 }[p99[2] as "us" | "ms" | "s"];
      resolve({
        requestsPerSecond: Number(rate[1]),
        p99Ms: Number(p99[1]) * scale,
        requests: Number(total[1]),
      });
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

function hasBinary(command: string, args: string[]): boolean {
  return !spawnSync(command, args, { stdio: "ignore" }).error;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on port ${port} after 5 s`);
}

/** User plus system CPU time of a process and its children, in clock ticks; undefined without /proc. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    let ticks = processStat(pid).ticks;
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = processStat(Number(entry));
        if (stat.parent === pid) ticks += stat.ticks;
      } catch {
        // the process ended while we looked
      }
    }
    return ticks;
  } catch {
    return undefined;
  }
}

function processStat(pid: number): { parent: number; ticks: number } {
  // The fields after the parenthesised command name: ppid is the 4th field, utime and stime the 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

function clockTicksPerSecond(): number {
  const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return Number(result.stdout) || 100;
}
