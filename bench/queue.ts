// QueueExecutor against raw BullMQ on the same redis-server, in one run, rounds interleaved
// (the order turning round by round, a full collection before each run):
// 20,000 no-op jobs with two worker processes of concurrency 64 each (raw: Queue.addBulk +
// Worker + QueueEvents; futures: QueueExecutor.map + two QueueWorker processes on an
// AsyncExecutor), the same map with chunksize 100 in items/s, and the median round trip of one
// submit -> result. A second raw peer keeps a window of jobs in Redis as QueueExecutor does
// (its default window, refilled on each completion), which tells the cost of the
// window from the cost of the rest; the CPU each process spent says where the time went. The
// map and the round trip run again with jobs signed with a key, to tell what signing costs.
// Last, retries: JOBS submits of a task that fails one run in ten, with retries: 3, against
// the same submits of the no-op task, in jobs/s and attempts made; and the no-op submits signed
// (which also gives the signed queue's workers as much work as the others before the round trips).
// Run: npx tsx bench/queue.ts [jobs]   (needs redis-server on the PATH)
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Queue, QueueEvents } from "bullmq";
import { QueueExecutor } from "concurrent-futures/queue";
import { median, textTable } from "futures-cli/bench";
import { startRedis } from "@futures/test-support/redis-server";
import { flaky, noop } from "./workers/tasks.ts";

const JOBS = Number(process.argv[2] ?? 20_000);
const ROUNDS = 5;
const CONCURRENCY = 64;
const ROUND_TRIPS = 300;
// QueueExecutor's default window for 2 workers (README): twice their concurrency, at least 512 beyond it.
const LIVE = 2 * CONCURRENCY;
const WINDOW = Math.max(2 * LIVE, LIVE + 512);
const workerFile = fileURLToPath(new URL("./workers/queue-worker.ts", import.meta.url));

const redis = await startRedis();
const connection = { host: "127.0.0.1", port: redis.port };
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

const KEY = "a bench key of thirty-two bytes!";
type Mode = "raw" | "futures" | "signed";
const workerPids: Record<Mode, number[]> = { raw: [], futures: [], signed: [] };

function startWorker(mode: Mode, queue: string): Promise<void> {
  const args =
    mode === "signed"
      ? ["futures", redis.url, queue, String(CONCURRENCY), KEY]
      : [mode, redis.url, queue, String(CONCURRENCY)];
  const child = spawn(process.execPath, [...process.execArgv, workerFile, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  workerPids[mode].push(child.pid!);
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`${mode} worker exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => text.includes("ready") && resolve());
  });
}

await Promise.all([
  startWorker("raw", "raw"),
  startWorker("raw", "raw"),
  startWorker("futures", "fx"),
  startWorker("futures", "fx"),
  startWorker("signed", "fxk"),
  startWorker("signed", "fxk"),
]);

// Raw BullMQ: one producer Queue, one QueueEvents counting completions.
const rawQueue = new Queue("raw", { connection });
const rawEvents = new QueueEvents("raw", { connection });
await rawEvents.waitUntilReady();
let rawSeq = 0;
const rawWaiters = new Map<string, () => void>();
let rawCompleted = 0;
let onRawCompleted: (() => void) | undefined;
rawEvents.on("completed", ({ jobId }) => {
  rawCompleted++;
  rawWaiters.get(jobId)?.();
  onRawCompleted?.();
});

function rawJob() {
  return {
    name: "noop",
    data: {},
    opts: { jobId: `raw-${++rawSeq}`, removeOnComplete: true, removeOnFail: true },
  };
}

async function rawBatch(n: number): Promise<number> {
  const target = rawCompleted + n;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (rawCompleted >= target) {
        clearInterval(check);
        resolve();
      }
    }, 1);
  });
  for (let i = 0; i < n; i += 1000) {
    await rawQueue.addBulk(Array.from({ length: Math.min(1000, n - i) }, rawJob));
  }
  await done;
  return performance.now() - started;
}

/** Raw BullMQ with at most WINDOW jobs in Redis, topped up in one addBulk as completions arrive. */
async function rawWindowed(n: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  let finished = 0;
  let sending = false;
  const topUp = async (): Promise<void> => {
    if (sending) return;
    sending = true;
    while (sent < n && sent - finished < WINDOW) {
      const count = Math.min(WINDOW - (sent - finished), n - sent);
      sent += count;
      await rawQueue.addBulk(Array.from({ length: count }, rawJob));
    }
    sending = false;
  };
  await new Promise<void>((resolve) => {
    onRawCompleted = () => {
      if (++finished === n) resolve();
      else void topUp();
    };
    void topUp();
  });
  onRawCompleted = undefined;
  return performance.now() - started;
}

async function rawRoundTrip(): Promise<number> {
  const { name, data, opts } = rawJob();
  const started = performance.now();
  const done = new Promise<void>((resolve) => rawWaiters.set(opts.jobId, resolve));
  await rawQueue.add(name, data, opts);
  await done;
  rawWaiters.delete(opts.jobId);
  return performance.now() - started;
}

const executor = new QueueExecutor({ queue: "fx", connection: redis.url });
const retryingExecutor = new QueueExecutor({
  queue: "fx",
  connection: redis.url,
  retries: 3,
  backoff: 0,
  retryOn: ["FlakyError"],
});
const signedExecutor = new QueueExecutor({ queue: "fxk", connection: redis.url, key: KEY });
await executor.waitUntilReady();
await signedExecutor.waitUntilReady();
await retryingExecutor.waitUntilReady();

async function futuresMap(n: number, chunksize = 1, on = executor): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const _ of on.map(
    noop,
    Array.from({ length: n }, (_, i) => i),
    { chunksize },
  ))
    count++;
  if (count !== n) throw new Error(`map gave ${count} results`);
  return performance.now() - started;
}

async function futuresRoundTrip(on = executor): Promise<number> {
  const started = performance.now();
  await on.submit(noop);
  return performance.now() - started;
}

// CPU milliseconds spent by the producer (this process), the two workers and redis-server.
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}
type CpuShare = [producer: number, workers: number, redis: number];
function cpuNow(mode: Mode): CpuShare {
  return [cpuMs(process.pid), workerPids[mode].reduce((sum, pid) => sum + cpuMs(pid), 0), cpuMs(redis.pid)];
}

interface Contender {
  label: string;
  mode: Mode;
  run(): Promise<number>;
  ms: number[];
  cpu: CpuShare[];
}
const contenders: Contender[] = [
  {
    label: "raw BullMQ (addBulk + Worker + QueueEvents)",
    mode: "raw",
    run: () => rawBatch(JOBS),
    ms: [],
    cpu: [],
  },
  {
    label: `raw BullMQ, a window of ${WINDOW} jobs`,
    mode: "raw",
    run: () => rawWindowed(JOBS),
    ms: [],
    cpu: [],
  },
  { label: "QueueExecutor.map", mode: "futures", run: () => futuresMap(JOBS), ms: [], cpu: [] },
  {
    label: "QueueExecutor.map, signed jobs (key)",
    mode: "signed",
    run: () => futuresMap(JOBS, 1, signedExecutor),
    ms: [],
    cpu: [],
  },
  {
    label: "QueueExecutor.map chunksize 100 (items/s)",
    mode: "futures",
    run: () => futuresMap(JOBS, 100),
    ms: [],
    cpu: [],
  },
];

// Warm both sides.
await rawBatch(2000);
await rawWindowed(2000);
await futuresMap(2000);
await futuresMap(2000, 1, signedExecutor);

// One producer process runs every contender: a full collection before each run, so that none
// pays for the garbage of the one before it, and the order turns round by round.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
for (let round = 0; round < ROUNDS; round++) {
  for (const contender of [...contenders.slice(round), ...contenders.slice(0, round)]) {
    collectGarbage();
    const before = cpuNow(contender.mode);
    contender.ms.push(await contender.run());
    const after = cpuNow(contender.mode);
    contender.cpu.push(after.map((value, i) => value - before[i]!) as CpuShare);
  }
}
/** JOBS submits of `fn` at once: milliseconds, jobs sent (attempts) and calls that failed in the end. */
async function submits(fn: typeof flaky, on: QueueExecutor) {
  const started = performance.now();
  const futures = Array.from({ length: JOBS }, () => on.submit(fn));
  const failed = (await Promise.allSettled(futures)).filter((outcome) => outcome.status === "rejected");
  const ms = performance.now() - started;
  return { ms, attempts: futures.reduce((sum, future) => sum + future.attempts, 0), failed: failed.length };
}
const retryRows = [
  { label: "QueueExecutor.submit, the no-op task", fn: noop, on: executor },
  { label: "QueueExecutor.submit, 10% of runs fail, retries: 3", fn: flaky, on: retryingExecutor },
  { label: "QueueExecutor.submit, the no-op task, signed (key)", fn: noop, on: signedExecutor },
].map((row) => ({ ...row, runs: [] as Awaited<ReturnType<typeof submits>>[] }));
for (let round = 0; round < ROUNDS; round++)
  for (const row of retryRows) row.runs.push(await submits(row.fn, row.on));

const rawTrips: number[] = [];
const futuresTrips: number[] = [];
const signedTrips: number[] = [];
// Each trip may meet the after-work of the one before it (its worker taking again, its
// result removed): the order goes through every permutation in turn, so that each contender
// follows each other one as often (turning the order only, the signed trip followed the
// unsigned one twice as often as raw's).
const trips = [
  () => rawRoundTrip().then((ms) => rawTrips.push(ms)),
  () => futuresRoundTrip().then((ms) => futuresTrips.push(ms)),
  () => futuresRoundTrip(signedExecutor).then((ms) => signedTrips.push(ms)),
];
const ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];
for (let i = 0; i < ROUND_TRIPS; i++) for (const k of ORDERS[i % ORDERS.length]!) await trips[k]!();

const rate = (ms: number) => Math.round((JOBS * 1000) / ms);
const rates = contenders.map((contender) => rate(median(contender.ms)));
// CPU per 1,000 jobs in the round of median time, so that one share does not come from another round.
const perThousand = (contender: Contender): string => {
  const round = contender.ms.indexOf(median(contender.ms));
  const share = contender.cpu[round] ?? contender.cpu[0]!;
  return share.map((ms) => ((ms * 1000) / JOBS).toFixed(0)).join(" / ");
};
console.log(
  `${JOBS} no-op jobs, 2 worker processes x ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds`,
);
for (const line of textTable(
  ["", "jobs/s", "÷ raw BullMQ", "÷ raw, windowed", "CPU ms per 1,000 jobs: producer / workers / redis"],
  contenders.map((contender, i) => [
    contender.label,
    String(rates[i]),
    (rates[i]! / rates[0]!).toFixed(2),
    (rates[i]! / rates[1]!).toFixed(2),
    perThousand(contender),
  ]),
))
  console.log(line);
console.log("");
const rawTrip = median(rawTrips);
const futuresTrip = median(futuresTrips);
const signedTrip = median(signedTrips);
console.log(`round trip of one submit -> result, median of ${ROUND_TRIPS}, interleaved`);
for (const line of textTable(
  ["", "ms", "÷ raw BullMQ"],
  [
    ["raw BullMQ (add + shared QueueEvents)", rawTrip.toFixed(2), "1.00"],
    ["QueueExecutor.submit", futuresTrip.toFixed(2), (futuresTrip / rawTrip).toFixed(2)],
    ["QueueExecutor.submit, signed (key)", signedTrip.toFixed(2), (signedTrip / rawTrip).toFixed(2)],
  ],
))
  console.log(line);

console.log("");
console.log(`${JOBS} submits at once, median of ${ROUNDS} interleaved rounds (retries with backoff 0)`);
const retryRates = retryRows.map((row) => rate(median(row.runs.map((run) => run.ms))));
for (const line of textTable(
  ["", "calls/s", "÷ no-op", "jobs sent per call", "calls failed"],
  retryRows.map((row, i) => {
    const run = row.runs.find((r) => r.ms === median(row.runs.map((each) => each.ms))) ?? row.runs[0]!;
    return [
      row.label,
      String(retryRates[i]),
      (retryRates[i]! / retryRates[0]!).toFixed(2),
      (run.attempts / JOBS).toFixed(3),
      String(run.failed),
    ];
  }),
))
  console.log(line);

await executor.shutdown();
await signedExecutor.shutdown();
await retryingExecutor.shutdown();
await rawEvents.close();
await rawQueue.close();
for (const child of children) child.kill("SIGKILL");
await redis.stop();
