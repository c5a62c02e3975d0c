// The scoreboard of issue 12: every speed target beside its peer, measured in one run.
//   npm run bench            (builds the packages, then runs this)
//   npx tsx bench/scoreboard.ts [--runs 3]
// Each row reuses the measurement of its own benchmark (bench/flags.ts, cpu.ts, server.ts,
// executors.ts); ours and the peer are alternated run by run, so the load of a shared machine
// falls on both. A peer that is not installed is skipped, and the scoreboard says so.
// Numbers, never pass/fail: the "goal" column is the target, the "ratio" column the result.
import { execFileSync } from "node:child_process";
import os from "node:os";
import { commandScaling, rc4Throughputs, type Throughput } from "./cpu.ts";
import { measureRates, processes, threads, type Rate } from "./executors.ts";
import {
  curlParallel,
  futuresFlags,
  hasPythonHttpx,
  pythonAsyncio,
  startServers,
  threadsAgainstAsync,
  timeCommand,
  type Sample,
} from "./flags.ts";
import { measureServers, startNginx } from "./server.ts";
import { textTable } from "futures-cli/bench";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const POOL_TASKS = 20_000;

interface Row {
  target: string;
  futures: string;
  peer: string;
  peerValue: string;
  /** How futures compares, in the direction of the goal. */
  ratio: string;
  goal: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const started = performance.now();
const say = (line: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const installed = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** `runs` alternations of ours and each peer; the median time of each (failed runs say so). */
async function alternate(runs: number, contenders: (() => Promise<Sample>)[]): Promise<Sample[]> {
  const samples: Sample[][] = contenders.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, once] of contenders.entries()) samples[index]!.push(await once());
  }
  return samples.map((list) => {
    const failed = list.find((sample) => !sample.ok);
    if (failed) return failed;
    const sorted = [...list].sort((a, b) => a.ms - b.ms);
    return sorted[(sorted.length - 1) >> 1]!;
  });
}

const value = (sample: Sample) =>
  sample.ok ? secs(sample.ms) : `wrong result (${sample.note ?? "see the log"})`;
const faster = (ours: Sample, peer: Sample) => {
  if (!ours.ok || !peer.ok) return "-";
  const ratio = peer.ms / ours.ms;
  return ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`;
};

console.log(
  `futures scoreboard: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.availableParallelism()} cores, ` +
    `Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the start; ${RUNS} alternated runs per row, medians\n`,
);

// ---- the downloader -------------------------------------------------------------------
say("downloads: starting the flag servers (nginx if installed, and futures DELAY 0.5 s)");
const servers = await startServers();
const nginx = await startNginx();
const env = { FUTURES_DELAY_PORT: new URL(servers.urls.DELAY).port };
// Issue 12 measured against nginx serving the flags; without nginx, our LOCAL server stands in.
const flagsUrl = nginx ? nginx.url.replace(/\/br\/br\.gif$/, "") : servers.urls.LOCAL;
const where = nginx ? "nginx" : "futures LOCAL (nginx not installed)";
if (!nginx)
  notes.push("nginx not installed: the downloads ran against futures LOCAL instead (apt-get install nginx).");
const python = hasPythonHttpx();
const curl = installed("curl", ["--version"]);
try {
  say(`flags -e against ${where}`);
  const peersE = [
    ...(python ? [() => pythonAsyncio(flagsUrl, 5)] : []),
    ...(curl ? [() => curlParallel(flagsUrl, 50)] : []),
  ];
  const [oursE, ...peerE] = await alternate(RUNS, [
    () => futuresFlags(["-e", "-s", flagsUrl], env),
    ...peersE,
  ]);
  let next = 0;
  if (python) {
    const peer = peerE[next++]!;
    rows.push({
      target: `flags -e, ${where}`,
      futures: value(oursE!),
      peer: "book's flags2_asyncio.py -e (httpx)",
      peerValue: value(peer),
      ratio: faster(oursE!, peer),
      goal: ">= 5x faster",
    });
  } else
    notes.push(
      "/usr/bin/python3 has no httpx: the book's asyncio peer is skipped (apt-get install python3-httpx).",
    );
  if (curl) {
    const peer = peerE[next++]!;
    rows.push({
      target: `flags -e, ${where}`,
      futures: value(oursE!),
      peer: "curl -Z --parallel-max 50",
      peerValue: value(peer),
      ratio: faster(oursE!, peer),
      goal: "-",
    });
  } else notes.push("curl not installed: the curl -Z peer is skipped (apt-get install curl).");

  say(`flags (20 flags) against ${where}, and node -e 0`);
  const [ours20, bare] = await alternate(RUNS, [
    () => futuresFlags(["-s", flagsUrl], env, { ok: 20, notFound: 0 }),
    async () => ({ ms: (await timeCommand(process.execPath, ["-e", "0"])).ms, ok: true }),
  ]);
  rows.push({
    target: `flags (20 flags), ${where}`,
    futures: value(ours20!),
    peer: "node -e 0",
    peerValue: value(bare!),
    ratio: ours20!.ok ? `${(ours20!.ms / bare!.ms).toFixed(2)}x node's start-up` : "-",
    goal: "<= 2x",
  });

  say(`flags -e -x threads against -x async (${where}), time and peak RSS`);
  const cost = await threadsAgainstAsync(flagsUrl, env, RUNS);
  const mib = (sample: Sample) =>
    sample.ok && sample.peakRss !== undefined
      ? `${(sample.peakRss / 2 ** 20).toFixed(0)} MiB`
      : value(sample);
  rows.push(
    {
      target: `flags -e -x threads (30 in flight), ${where}: time`,
      futures: value(cost.threads),
      peer: "flags -e -x async (5 at once)",
      peerValue: value(cost.async),
      ratio: cost.timeRatio === undefined ? "-" : `${cost.timeRatio.toFixed(2)}x async's time`,
      goal: "<= 1.5x",
    },
    {
      target: `flags -e -x threads, ${where}: peak RSS`,
      futures: mib(cost.threads),
      peer: "flags -e -x async (5 at once)",
      peerValue: mib(cost.async),
      ratio: cost.memoryRatio === undefined ? "-" : `${cost.memoryRatio.toFixed(2)}x async's memory`,
      goal: "<= 2x",
    },
  );

  say("flags -e -m 1000 against DELAY 0.5 s");
  const delayPeers = python ? [() => pythonAsyncio(servers.urls.DELAY, 1000)] : [];
  // The book's asyncio takes seconds here: one run of it, against our alternated runs.
  const [oursDelay] = await alternate(RUNS, [() => futuresFlags(["-e", "-m", "1000", "-s", "DELAY"], env)]);
  const [pythonDelay] = await alternate(1, delayPeers);
  rows.push({
    target: "flags -e -m 1000, DELAY 0.5 s",
    futures: value(oursDelay!),
    peer: "the bound: one 0.5 s delay",
    peerValue: "0.50 s",
    ratio: oursDelay!.ok ? `${(oursDelay!.ms / 500).toFixed(2)}x the bound` : "-",
    goal: "<= 0.8 s (1.6x)",
  });
  if (pythonDelay)
    rows.push({
      target: "flags -e -m 1000, DELAY 0.5 s",
      futures: value(oursDelay!),
      peer: "book's asyncio, 1000 requests (1 run)",
      peerValue: value(pythonDelay),
      ratio: faster(oursDelay!, pythonDelay),
      goal: ">= 5.5x faster",
    });
} finally {
  servers.stop();
  await nginx?.stop();
}

// ---- RC4 and the CPU lesson -----------------------------------------------------------
say("RC4 on one core: futures (WebAssembly, TypeScript), openssl speed, Node crypto, CPython");
const rc4 = rc4Throughputs(16 * 2 ** 20, RUNS);
const mbps = (row: Throughput) =>
  typeof row.cpuMBps === "number" ? `${row.cpuMBps.toFixed(0)} MB/s` : row.cpuMBps;
const [wasm, typescript, ...rc4Peers] = rc4;
for (const peer of rc4Peers) {
  const ok = typeof peer.cpuMBps === "number";
  if (!ok) notes.push(`${peer.name}: ${peer.cpuMBps}, skipped.`);
  else
    rows.push({
      target: "RC4, one core, MB per CPU-second",
      futures: `${mbps(wasm!)} (TS ${mbps(typescript!)})`,
      peer: peer.name,
      peerValue: mbps(peer),
      ratio: `${((wasm!.cpuMBps as number) / (peer.cpuMBps as number)).toFixed(2)}x`,
      goal: peer.name.startsWith("OpenSSL") ? ">= 0.45x" : "-",
    });
}

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

// ---- the flag server ------------------------------------------------------------------
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

// ---- the pools ------------------------------------------------------------------------
for (const [group, contenders] of [
  ["2 worker threads", threads],
  ["2 child processes", processes.filter((contender) => contender.name !== "workerpool (process)")],
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

console.log(
  textTable(
    ["target", "futures", "peer (same run)", "peer", "futures vs peer", "goal"],
    rows.map((row) => [row.target, row.futures, row.peer, row.peerValue, row.ratio, row.goal]),
    [0, 2],
  ).join("\n"),
);
for (const note of notes) console.log(`note: ${note}`);
console.log(
  `\nWhole scoreboard: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
);
