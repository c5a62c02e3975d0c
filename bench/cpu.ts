// CPU-bound benchmark: RC4 throughput on one core (the TypeScript cipher and the WebAssembly
// kernel) against OpenSSL, Node's crypto and CPython (bench/rc4-throughput.ts); how RC4 jobs
// scale over process and thread workers, with pool start-up reported on its own; and the
// default `futures arcfour` and `futures sha` on 1 and 2 workers, whole commands, interleaved.
// Run: npx tsx bench/cpu.ts [--mib 16] [--job-mib 16] [--runs 3]
// Numbers only, never pass/fail; the peers are measured in the same run.
import { execFileSync, spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ARCFOUR_SIZE, arcfourJobSizes } from "futures-cli/cpu";
import { median, startPool, submitArcfourJobs, textTable } from "futures-cli/bench";
import { rc4Throughputs, throughputTable } from "./rc4-throughput.ts";

const MIB = 2 ** 20;
const JOBS = 12;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The built command, as a user runs it. */
export const FUTURES_CLI = path.join(ROOT, "packages", "futures-cli", "bin", "futures.js");

export interface CommandScaling {
  command: string;
  /** Median elapsed seconds the command reported, with 1 and 2 workers. */
  one: number;
  two: number;
  /** Median of the start-up shares the 2-worker runs reported. */
  startupShare: string;
  /** The same jobs in 1 and 2 plain processes (no pool), in the same alternation: what the machine allowed. */
  plain?: { one: number; two: number } | undefined;
  runs: number;
}

/**
 * The default `futures <command> 1` and `futures <command> 2` (processes), as a user runs
 * them, alternated `runs` times; the medians of the elapsed times the command prints. For
 * arcfour, `ceiling` adds the same jobs in 1 and 2 plain processes to each alternation.
 */
export async function commandScaling(
  command: "arcfour" | "sha",
  runs = 3,
  { ceiling = false } = {},
): Promise<CommandScaling> {
  const elapsed: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const plain: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const shares: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const workers of [1, 2] as const) {
      const out = execFileSync(process.execPath, [FUTURES_CLI, command, String(workers)], {
        encoding: "utf8",
        timeout: 300_000,
      });
      const status = /elapsed time: ([\d.]+)s \(pool start-up [\d.]+s, (\d+)%\)/.exec(out);
      if (!status) throw new Error(`futures ${command} ${workers} printed no status line:\n${out}`);
      elapsed[workers].push(Number(status[1]));
      if (workers === 2) shares.push(Number(status[2]));
      if (ceiling) plain[workers].push(await timePlainProcesses(workers, ARCFOUR_SIZE));
    }
  }
  return {
    command: `futures ${command} 2 vs 1`,
    one: median(elapsed[1]),
    two: median(elapsed[2]),
    startupShare: `${median(shares)}%`,
    plain: ceiling ? { one: median(plain[1]), two: median(plain[2]) } : undefined,
    runs,
  };
}

type ScalingCase = "processes" | "threads" | "plain processes, no pool";

async function timePool(
  kind: "processes" | "threads",
  workers: number,
  jobSize: number,
): Promise<{ seconds: number; startupMs: number }> {
  const { executor, startupMs } = await startPool(kind, workers);
  try {
    const t0 = performance.now();
    await Promise.all(submitArcfourJobs(executor, JOBS, jobSize));
    return { seconds: (performance.now() - t0) / 1000, startupMs };
  } finally {
    await executor.shutdown();
  }
}

/**
 * The reference without any pool: N plain child processes run the same jobs, split ahead of
 * time (largest first, to the least loaded), and each times its own share. The slowest share
 * is what the machine allows at that moment; a pool can only approach it.
 */
async function timePlainProcesses(workers: number, jobSize: number): Promise<number> {
  const shares: number[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  for (const size of arcfourJobSizes(JOBS, jobSize).sort((a, b) => b - a)) {
    const least = load.indexOf(Math.min(...load));
    shares[least]!.push(size);
    load[least]! += size;
  }
  const jobModule = import.meta.resolve("futures-cli/cpu");
  const script =
    `import { arcfourTest, ARCFOUR_KEY } from ${JSON.stringify(jobModule)};\n` +
    "const t0 = performance.now();\n" +
    "for (const size of JSON.parse(process.argv[1])) arcfourTest(size, ARCFOUR_KEY);\n" +
    "console.log((performance.now() - t0) / 1000);";
  const times = await Promise.all(
    shares.map(
      (share) =>
        new Promise<number>((resolve, reject) => {
          // execArgv carries the TypeScript loader this bench runs under.
          const args = [...process.execArgv, "--input-type=module", "-e", script, JSON.stringify(share)];
          const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
          let out = "";
          child.stdout.on("data", (chunk) => (out += chunk));
          child.on("error", reject);
          child.on("exit", (code) =>
            code === 0 ? resolve(Number(out)) : reject(new Error(`exit code ${code}`)),
          );
        }),
    ),
  );
  return Math.max(...times);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mib: { type: "string", default: "16" },
      "job-mib": { type: "string", default: "16" },
      runs: { type: "string", default: "3" },
    },
  });
  const throughputBytes = Number(values.mib) * MIB;
  const jobSize = Number(values["job-mib"]) * MIB;
  const runs = Number(values.runs);
  console.log(
    `futures CPU bench: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log(`RC4 on one core (standard RC4, loops = 1; ${values.mib} MiB, median of ${runs}):`);
  for (const line of throughputTable(rc4Throughputs(throughputBytes, runs))) console.log(line);

  console.log(
    `\nRC4 jobs: ${JOBS} jobs, middle size ${values["job-mib"]} MiB, 20 key loops, encrypt + decrypt;`,
  );
  console.log(`median of ${runs} runs; pools are timed once every worker is running:`);
  const cases: ScalingCase[] = ["processes", "threads", "plain processes, no pool"];
  const seconds = new Map<string, number[]>();
  const startupMs = new Map<string, number[]>();
  const record = (map: Map<string, number[]>, key: string, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  // Runs are the outer loop, so slow drifts of a shared machine spread over every case.
  for (let run = 0; run < runs; run++) {
    for (const kind of cases) {
      for (const workers of [1, 2]) {
        const key = `${kind}/${workers}`;
        if (kind === "plain processes, no pool") {
          record(seconds, key, await timePlainProcesses(workers, jobSize));
        } else {
          const result = await timePool(kind, workers, jobSize);
          record(seconds, key, result.seconds);
          record(startupMs, key, result.startupMs);
        }
      }
    }
  }
  const totalMB = (2 * JOBS * jobSize) / 1e6;
  const rows: string[][] = [];
  const startups: string[][] = [];
  for (const kind of cases) {
    const one = median(seconds.get(`${kind}/1`)!);
    for (const workers of [1, 2]) {
      const time = median(seconds.get(`${kind}/${workers}`)!);
      rows.push([
        kind,
        String(workers),
        `${time.toFixed(2)}s`,
        `${(totalMB / time).toFixed(0)} MB/s`,
        `${(one / time).toFixed(2)}x`,
      ]);
      const start = startupMs.get(`${kind}/${workers}`);
      if (start) startups.push([kind, String(workers), `${median(start).toFixed(0)} ms`]);
    }
  }
  for (const line of textTable(["executor", "workers", "time", "throughput", "speedup vs 1"], rows))
    console.log(line);
  console.log("\nPool start-up (created until every worker ran a no-op; workers start in parallel), median:");
  for (const line of textTable(["executor", "workers", "start-up"], startups)) console.log(line);

  console.log(
    `\nThe commands with their defaults (processes), 1 and 2 workers alternated, median of ${runs}:`,
  );
  const scaling = [
    await commandScaling("arcfour", runs, { ceiling: true }),
    await commandScaling("sha", runs),
  ];
  for (const line of scalingTable(scaling)) console.log(line);
}

export function scalingTable(rows: readonly CommandScaling[]): string[] {
  return textTable(
    ["command", "1 worker", "2 workers", "speedup", "start-up share (2 workers)", "plain processes 2 vs 1"],
    rows.map((row) => [
      row.command,
      `${row.one.toFixed(2)}s`,
      `${row.two.toFixed(2)}s`,
      `${(row.one / row.two).toFixed(2)}x`,
      row.startupShare,
      row.plain ? `${(row.plain.one / row.plain.two).toFixed(2)}x` : "-",
    ]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
