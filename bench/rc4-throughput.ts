// RC4 on one core: the WebAssembly kernel and the TypeScript cipher against OpenSSL, Node's
// crypto and CPython, each measured in the same run (bench/cpu.ts and the scoreboard).
// Throughput is megabytes per second of CPU time (user + system of the process doing the
// work; `openssl speed` without -elapsed counts the same way), so the load of a shared
// machine does not decide the ratios; wall-clock MB/s is printed beside it.
// Ours write into one reused output buffer, as `openssl speed` encrypts one buffer over and
// over; a new output per call is measured beside it: its first-touch page faults cost more
// than the cipher on some virtual machines (about 55 ms of CPU for a new 16 MiB array on the
// development VM, against 20-25 ms to encrypt it), and made that figure swing 2-3x run to run.
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { arcfour, arcfourWasm } from "futures-cli/cpu";
import { median, textTable } from "futures-cli/bench";

const MIB = 2 ** 20;

export interface Throughput {
  name: string;
  /** Megabytes (10^6) per second of CPU time, or why it could not be measured. */
  cpuMBps: number | string;
  /** Megabytes per second of wall-clock time, when measured. */
  wallMBps?: number | undefined;
  /** Ours only: megabytes per CPU-second when every call returns a new output array. */
  newOutputMBps?: number | undefined;
}

type Cipher = (key: Uint8Array, data: Uint8Array, loops: number, into?: Uint8Array) => Uint8Array;

const OURS: [string, Cipher][] = [
  ["futures arcfourWasm (WebAssembly kernel, the jobs' default)", arcfourWasm],
  ["futures arcfour (TypeScript)", arcfour],
];

/**
 * Medians over `runs` calls of each of ours on `bytes` random bytes, standard RC4 (loops = 1),
 * alternated run by run: first into a reused buffer, then into a new one each call (whose
 * freeing, by GC and unmapping on other threads, would be counted in the first otherwise).
 */
function ourThroughputs(bytes: number, runs: number): Throughput[] {
  const data = randomFillSync(new Uint8Array(bytes));
  const key = new TextEncoder().encode("Key");
  // Written once before timing: its pages are faulted in (and not shared with a process this one forked).
  const into = new Uint8Array(bytes).fill(1);
  for (const [, cipher] of OURS) cipher(key, data.subarray(0, MIB), 1); // let V8 optimize first
  const cpu: number[][] = OURS.map(() => []);
  const wall: number[][] = OURS.map(() => []);
  const newOutput: number[][] = OURS.map(() => []);
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  for (let run = 0; run < runs; run++) {
    OURS.forEach(([, cipher], n) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      cipher(key, data, 1, into);
      wall[n]!.push((performance.now() - t0) / 1000);
      cpu[n]!.push(cpuSeconds(c0));
    });
  }
  for (let run = 0; run < runs; run++) {
    OURS.forEach(([, cipher], n) => {
      const c0 = process.cpuUsage();
      cipher(key, data, 1);
      newOutput[n]!.push(cpuSeconds(c0));
    });
  }
  return OURS.map(([name], n) => ({
    name,
    cpuMBps: bytes / 1e6 / median(cpu[n]!),
    wallMBps: bytes / 1e6 / median(wall[n]!),
    newOutputMBps: bytes / 1e6 / median(newOutput[n]!),
  }));
}

/** `openssl speed` on 16 KiB blocks (CPU time, and wall time with -elapsed), with the legacy provider where RC4 lives in OpenSSL 3. */
function opensslSpeed(): Throughput {
  const name = "OpenSSL RC4 (openssl speed -evp rc4, 16 KiB blocks)";
  const speed = (elapsed: boolean) => {
    for (const providers of [[], ["-provider", "legacy", "-provider", "default"]]) {
      const args = ["speed", "-mr", ...(elapsed ? ["-elapsed"] : []), "-seconds", "2", "-bytes", "16384"];
      const result = spawnSync("openssl", [...args, ...providers, "-evp", "rc4"], {
        encoding: "utf8",
        timeout: 60_000,
      });
      const line = result.stdout?.split("\n").find((l) => l.startsWith("+F:"));
      if (result.status === 0 && line) return Number(line.split(":").at(-1)) / 1e6;
    }
    return undefined;
  };
  if (spawnSync("openssl", ["version"]).error)
    return { name, cpuMBps: "not installed (apt-get install openssl)" };
  const cpu = speed(false);
  if (cpu === undefined) return { name, cpuMBps: "this OpenSSL has no RC4" };
  return { name, cpuMBps: cpu, wallMBps: speed(true) };
}

/**
 * Node's own crypto (OpenSSL inside Node), which needs the legacy provider for RC4, fed in
 * 64 KiB updates as a stream would feed it: one update of the whole 16 MiB buffer is slower
 * (20% and more, measured: one huge output buffer), which would flatter us.
 */
function nodeCrypto(bytes: number, runs: number): Throughput {
  const name = "Node crypto rc4, 64 KiB updates (--openssl-legacy-provider)";
  const script = `
    const c = require("node:crypto");
    const data = c.randomBytes(${bytes});
    const cpu = [], wall = [];
    for (let r = 0; r < ${runs}; r++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      const x = c.createCipheriv("rc4", Buffer.alloc(16, 7), null);
      for (let at = 0; at < data.length; at += 65536) x.update(data.subarray(at, at + 65536));
      x.final();
      wall.push(performance.now() - t0);
      const u = process.cpuUsage(c0); cpu.push((u.user + u.system) / 1000);
    }
    const mid = (v) => v.sort((a, b) => a - b)[v.length >> 1];
    console.log(JSON.stringify([${bytes} / 1e3 / mid(cpu), ${bytes} / 1e3 / mid(wall)]));`;
  const result = spawnSync(process.execPath, ["--openssl-legacy-provider", "-e", script], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) return { name, cpuMBps: "not available in this Node" };
  const [cpu, wall] = JSON.parse(result.stdout) as [number, number];
  return { name, cpuMBps: cpu, wallMBps: wall };
}

/** The book's pure-Python arcfour algorithm, written out here, on 1 MiB. */
function cpython(): Throughput {
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
c0, t0 = time.process_time(), time.perf_counter()
arcfour(b"Key", data, 1)
print(${MIB} / 1e6 / (time.process_time() - c0), ${MIB} / 1e6 / (time.perf_counter() - t0))
`;
  const result = spawnSync("python3", ["-c", script], { encoding: "utf8", timeout: 120_000 });
  const version = spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout?.trim() || "python3";
  const name = `${version.replace("Python", "CPython")} (the book's algorithm, 1 MiB)`;
  if (result.status !== 0) return { name, cpuMBps: "python3 not installed" };
  const [cpu, wall] = result.stdout.trim().split(" ").map(Number);
  return { name, cpuMBps: cpu!, wallMBps: wall };
}

/** RC4 on one core: ours (TypeScript and WebAssembly) and the peers, in one run. */
export function rc4Throughputs(bytes = 16 * MIB, runs = 3): Throughput[] {
  return [
    ...ourThroughputs(bytes, runs), // the WebAssembly kernel first, then the TypeScript cipher
    opensslSpeed(),
    nodeCrypto(bytes, runs),
    cpython(),
  ];
}

export function throughputTable(rows: readonly Throughput[]): string[] {
  const fmt = (mbps: number) => (mbps >= 100 ? mbps.toFixed(0) : mbps.toFixed(1));
  const wasm = rows[0]!.cpuMBps as number;
  return textTable(
    ["implementation", "MB/s (CPU time)", "MB/s (wall)", "wasm / it", "MB/s (CPU), new output"],
    rows.map((row) =>
      typeof row.cpuMBps === "number"
        ? [
            row.name,
            fmt(row.cpuMBps),
            row.wallMBps === undefined ? "-" : fmt(row.wallMBps),
            `${(wasm / row.cpuMBps).toFixed(2)}x`,
            row.newOutputMBps === undefined ? "-" : fmt(row.newOutputMBps),
          ]
        : [row.name, row.cpuMBps, "-", "-", "-"],
    ),
  );
}
