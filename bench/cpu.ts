// CPU-bound benchmark: RC4 throughput on one core against OpenSSL and CPython, and how RC4
// jobs scale over process and thread workers, with pool start-up reported on its own.
// Run: npx tsx bench/cpu.ts [--mib 16] [--job-mib 16] [--runs 3]
// Numbers only, never pass/fail; the peers are measured in the same run.
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { arcfour } from "../packages/futures-cli/src/cpu/arcfour.ts";
import { median } from "../packages/futures-cli/src/cpu/bench-measure.ts";
import { arcfourJobSizes } from "../packages/futures-cli/src/cpu/arcfour-job.ts";
import { submitArcfourJobs } from "../packages/futures-cli/src/cpu/run-arcfour.ts";
import { startPool } from "../packages/futures-cli/src/cpu/startup-cost.ts";
import { textTable } from "../packages/futures-cli/src/cli/text-table.ts";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "16" },
    "job-mib": { type: "string", default: "16" },
    runs: { type: "string", default: "3" },
  },
});
const MIB = 2 ** 20;
const throughputBytes = Number(values.mib) * MIB;
const jobSize = Number(values["job-mib"]) * MIB;
const runs = Number(values.runs);
const JOBS = 12;

interface Peer {
  name: string;
  /** Megabytes (10^6) per second, or why it could not be measured. */
  mbps: number | string;
}

function oursMBps(): number {
  const data = randomFillSync(new Uint8Array(throughputBytes));
  const key = new TextEncoder().encode("Key");
  arcfour(key, data.subarray(0, MIB), 1); // let V8 optimize first
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    arcfour(key, data, 1);
    times.push((performance.now() - t0) / 1000);
  }
  return throughputBytes / 1e6 / median(times);
}

/** `openssl speed` on 16 KiB blocks, the default provider first, then with the legacy one. */
function opensslSpeed(): Peer {
  for (const providers of [[], ["-provider", "legacy", "-provider", "default"]]) {
    const args = [
      "speed",
      "-mr",
      "-elapsed",
      "-seconds",
      "3",
      "-bytes",
      "16384",
      ...providers,
      "-evp",
      "rc4",
    ];
    const result = spawnSync("openssl", args, { encoding: "utf8", timeout: 60_000 });
    const line = result.stdout?.split("\n").find((l) => l.startsWith("+F:"));
    if (result.status === 0 && line)
      return { name: "OpenSSL RC4 (openssl speed -evp rc4)", mbps: Number(line.split(":").at(-1)) / 1e6 };
  }
  return opensslEnc();
}

/** Fallback: time `openssl enc -rc4` over a file (includes the command's start-up). */
function opensslEnc(): Peer {
  const name = "OpenSSL RC4 (openssl enc -rc4)";
  const dir = mkdtempSync(path.join(os.tmpdir(), "futures-bench-"));
  try {
    const file = path.join(dir, "plain.bin");
    writeFileSync(file, randomFillSync(new Uint8Array(throughputBytes)));
    for (const providers of [[], ["-provider", "legacy", "-provider", "default"]]) {
      const args = [
        "enc",
        "-rc4",
        "-K",
        "00112233445566778899aabbccddeeff",
        "-nosalt",
        "-in",
        file,
        "-out",
        `${file}.rc4`,
        ...providers,
      ];
      const t0 = performance.now();
      const result = spawnSync("openssl", args, { timeout: 60_000 });
      const seconds = (performance.now() - t0) / 1000;
      if (result.status === 0) return { name, mbps: throughputBytes / 1e6 / seconds };
    }
    return { name, mbps: "not available (no RC4 in this OpenSSL)" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Node's own crypto (OpenSSL inside Node), which needs the legacy provider for RC4. */
function nodeCrypto(): Peer {
  const name = "Node crypto rc4 (--openssl-legacy-provider)";
  const script = `
    const c = require("node:crypto");
    const data = c.randomBytes(${throughputBytes});
    const times = [];
    for (let r = 0; r < ${runs}; r++) {
      const t0 = performance.now();
      const x = c.createCipheriv("rc4", Buffer.alloc(16, 7), null);
      x.update(data); x.final();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(${throughputBytes} / 1e3 / times[times.length >> 1]);`;
  const result = spawnSync(process.execPath, ["--openssl-legacy-provider", "-e", script], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { name, mbps: result.status === 0 ? Number(result.stdout) : "not available" };
}

/** The book's pure-Python arcfour algorithm, written out here, on 1 MiB. */
function cpython(): Peer {
  const script = `
import os, time
def arcfour(key, in_bytes, loops=20):
    kbox = bytearray(key[i % len(key)] for i in range(256))
    sbox = bytearray(range(256))
    j = 0
    for _ in range(loops):
        for i in range(256):
            j = (j + sbox[i] + kbox[i]) % 256
            sbox[i], sbox[j] = sbox[j], sbox[i]
    i = j = 0
    out = bytearray()
    for byte in in_bytes:
        i = (i + 1) % 256
        j = (j + sbox[i]) % 256
        sbox[i], sbox[j] = sbox[j], sbox[i]
        out.append(byte ^ sbox[(sbox[i] + sbox[j]) % 256])
    return out
data = os.urandom(${MIB})
t0 = time.perf_counter()
arcfour(b"Key", data, 1)
print(${MIB} / 1e6 / (time.perf_counter() - t0))
`;
  const result = spawnSync("python3", ["-c", script], { encoding: "utf8", timeout: 120_000 });
  const version = spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout?.trim() || "python3";
  return {
    name: `${version.replace("Python", "CPython")} (the book's algorithm)`,
    mbps: result.status === 0 ? Number(result.stdout) : "python3 not available",
  };
}

type ScalingCase = "processes" | "threads" | "plain processes, no pool";

async function timePool(
  kind: "processes" | "threads",
  workers: number,
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
async function timePlainProcesses(workers: number): Promise<number> {
  const shares: number[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  for (const size of arcfourJobSizes(JOBS, jobSize).sort((a, b) => b - a)) {
    const least = load.indexOf(Math.min(...load));
    shares[least]!.push(size);
    load[least]! += size;
  }
  const jobModule = new URL("../packages/futures-cli/src/cpu/arcfour-job.ts", import.meta.url).href;
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

console.log(
  `futures CPU bench: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.availableParallelism()} cores, Node ${process.version}\n`,
);

const ours = oursMBps();
const peers = [opensslSpeed(), nodeCrypto(), cpython()];
console.log(`RC4 on one core (standard RC4, loops = 1; ${values.mib} MiB, median of ${runs}):`);
const fmt = (mbps: number) => (mbps >= 100 ? mbps.toFixed(0) : mbps.toFixed(1));
const throughputRows = [
  ["futures arcfour (TypeScript)", fmt(ours), "1.00x"],
  ...peers.map((peer) =>
    typeof peer.mbps === "number"
      ? [peer.name, fmt(peer.mbps), `${(ours / peer.mbps).toFixed(2)}x`]
      : [peer.name, peer.mbps, "-"],
  ),
];
for (const line of textTable(["implementation", "MB/s", "futures / peer"], throughputRows)) console.log(line);

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
        record(seconds, key, await timePlainProcesses(workers));
      } else {
        const result = await timePool(kind, workers);
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
    if (start) {
      const ms = median(start);
      startups.push([kind, String(workers), `${ms.toFixed(0)} ms`]);
    }
  }
}
for (const line of textTable(["executor", "workers", "time", "throughput", "speedup vs 1"], rows))
  console.log(line);
console.log("\nPool start-up (created until every worker ran a no-op; workers start in parallel), median:");
for (const line of textTable(["executor", "workers", "start-up"], startups)) console.log(line);
