// The scoreboard of issue 12: every speed target beside its peer, measured in one run.
//   npm run bench            (builds the packages, then runs this)
//   npx tsx bench/scoreboard.ts [--runs 3] [--only downloads,rc4,cpu,server,pools]
// Each row reuses the measurement of its own benchmark (bench/flags.ts, cpu.ts, server.ts,
// executors.ts and the modules they share); ours and its peers are alternated run by run, so
// the load of a shared machine falls on all of them. A peer that is not installed is skipped, and the scoreboard says so.
// Numbers, never pass/fail: the "goal" column is the target, the "ratio" column the result.
import os from "node:os";
import { commandScaling } from "./cpu.ts";
import { measureRates, processes, threads, type Rate } from "./executors.ts";
import { rc4Throughputs, type Throughput } from "./rc4-throughput.ts";
import { downloadRows } from "./scoreboard-downloads.ts";
import { poolCostRows } from "./scoreboard-pool-costs.ts";
import { elapsedSeconds, notes, rows, say } from "./scoreboard-rows.ts";
import { measureServers } from "./server.ts";
import { textTable } from "futures-cli/bench";

const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const RUNS = Number(option("--runs") ?? 3);
const SECTIONS = ["downloads", "rc4", "cpu", "server", "pools"] as const;
/** --only downloads,pools: some sections only, while working on them. */
const only = new Set(option("--only")?.split(",") ?? SECTIONS);
const POOL_TASKS = 20_000;

console.log(
  `futures scoreboard: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.availableParallelism()} cores, ` +
    `Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the start; ${RUNS} alternated runs per row, medians\n`,
);

// ---- RC4 and the CPU lesson -----------------------------------------------------------
function rc4Rows(): void {
  say("RC4 on one core: futures (WebAssembly, TypeScript), openssl speed, Node crypto, CPython");
  const rc4 = rc4Throughputs(16 * 2 ** 20, RUNS);
  const mbps = (row: Throughput) =>
    typeof row.cpuMBps === "number" ? `${row.cpuMBps.toFixed(0)} MB/s` : row.cpuMBps;
  // A new output array per call is shown beside it: its page faults cost more than the cipher here.
  const newOutput = (row: Throughput) => `${row.newOutputMBps?.toFixed(0) ?? "-"} MB/s`;
  const [wasm, typescript, ...rc4Peers] = rc4;
  for (const peer of rc4Peers) {
    const ok = typeof peer.cpuMBps === "number";
    if (!ok) notes.push(`${peer.name}: ${peer.cpuMBps}, skipped.`);
    else
      rows.push({
        target: "RC4, one core, MB per CPU-second, into a reused buffer as openssl speed",
        futures: `${mbps(wasm!)} (TS ${mbps(typescript!)}; new output ${newOutput(wasm!)})`,
        peer: peer.name,
        peerValue: mbps(peer),
        ratio: `${((wasm!.cpuMBps as number) / (peer.cpuMBps as number)).toFixed(2)}x`,
        goal: peer.name.startsWith("OpenSSL") ? ">= 0.45x" : "-",
      });
  }
}

async function cpuRows(): Promise<void> {
  for (const command of ["arcfour", "sha"] as const) {
    say(
      `futures ${command} 1 and 2 (defaults, processes)${command === "arcfour" ? ", and plain processes" : ""}`,
    );
    // For arcfour, the same jobs in plain processes alternate with the command: the machine's ceiling.
    const scaling = await commandScaling(command, RUNS, { ceiling: command === "arcfour" });
    if (scaling.plain)
      rows.push({
        target: "machine: the RC4 jobs, 2 vs 1 plain processes",
        futures: "-",
        peer: "no pool, jobs split ahead, same alternation",
        peerValue: `${scaling.plain.one.toFixed(2)} s / ${scaling.plain.two.toFixed(2)} s`,
        ratio: `${(scaling.plain.one / scaling.plain.two).toFixed(2)}x speedup`,
        goal: "the ceiling now",
      });
    rows.push({
      target: `futures ${command} 2 vs 1, defaults`,
      futures: `${scaling.two.toFixed(2)} s (start-up ${scaling.startupShare})`,
      peer: `futures ${command} 1`,
      peerValue: `${scaling.one.toFixed(2)} s`,
      ratio: `${(scaling.one / scaling.two).toFixed(2)}x speedup`,
      goal: ">= 1.7x",
    });
  }
}

// ---- the flag server ------------------------------------------------------------------
async function serverRows(): Promise<void> {
  say("the flag server under wrk, against raw node:http and nginx");
  const served = await measureServers(3, 1);
  if (!served) notes.push("wrk not installed: the server rows are skipped (apt-get install wrk).");
  else {
    for (const line of served.skipped) notes.push(line);
    const [ours, ...peers] = served.contenders;
    for (const peer of peers) {
      rows.push({
        target: "flag server, wrk -t2 -c50 (req/s)",
        futures: Math.round(ours!.best!.requestsPerSecond).toLocaleString("en-US"),
        peer: peer.name,
        peerValue: Math.round(peer.best!.requestsPerSecond).toLocaleString("en-US"),
        ratio: `${(ours!.best!.requestsPerSecond / peer.best!.requestsPerSecond).toFixed(2)}x`,
        goal: "-",
      });
    }
  }
}

// ---- the pools ------------------------------------------------------------------------
async function poolRows(): Promise<void> {
  for (const [group, contenders] of [
    ["2 worker threads", threads],
    ["2 child processes", processes],
  ] as const) {
    say(`pools: ${POOL_TASKS} no-op tasks on ${group}`);
    const [ours, ...peers]: Rate[] = await measureRates(contenders, POOL_TASKS);
    for (const peer of peers) {
      rows.push({
        target: `no-op tasks/s, ${group}`,
        futures: `${Math.round(ours!.tasksPerSecond).toLocaleString("en-US")} (${ours!.name.replace("futures ", "")})`,
        peer: peer.name,
        peerValue: Math.round(peer.tasksPerSecond).toLocaleString("en-US"),
        ratio: `${(ours!.tasksPerSecond / peer.tasksPerSecond).toFixed(2)}x`,
        goal: "-",
      });
    }
  }
  // One call's round trip, and a process pool's start-up: scoreboard-pool-costs.ts.
  await poolCostRows(RUNS);
}

// The downloader rows are in scoreboard-downloads.ts.
if (only.has("downloads")) await downloadRows(RUNS);
if (only.has("rc4")) rc4Rows();
if (only.has("cpu")) await cpuRows();
if (only.has("server")) await serverRows();
if (only.has("pools")) await poolRows();

console.log(
  textTable(
    ["target", "futures", "peer (same run)", "peer", "futures vs peer", "goal"],
    rows.map((row) => [row.target, row.futures, row.peer, row.peerValue, row.ratio, row.goal]),
    [0, 2],
  ).join("\n"),
);
for (const note of notes) console.log(`note: ${note}`);
console.log(
  `\nWhole scoreboard: ${elapsedSeconds().toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
);
