// One call's round trip: submit one no-op, await its result, then the next, on an idle pool
// of 2 workers. futures' ThreadPoolExecutor against piscina, its ProcessPoolExecutor against
// workerpool's process mode. Each pool is started and warmed once; then the contenders take
// turns, round by round, so the load of a shared machine falls on all of them.
//   npx tsx bench/round-trip.ts [calls per round]
import { pathToFileURL } from "node:url";
import os from "node:os";
import { median, textTable } from "futures-cli/bench";
import { processes, threads, type Contender } from "./executors.ts";

const ROUNDS = 7;

export interface RoundTrip {
  name: string;
  /** Median microseconds from submit to result, one call at a time. */
  micros: number;
}

/** Sequential calls on each contender in turn, `rounds` times; the median per contender. */
export async function measureRoundTrips(
  contenders: readonly Contender[],
  calls: number,
  rounds = ROUNDS,
): Promise<RoundTrip[]> {
  const pools = [];
  for (const contender of contenders) {
    const pool = await contender.setup();
    for (let i = 0; i < 2000; i++) await pool.run(1); // started and optimised
    pools.push(pool);
  }
  const samples: number[][] = contenders.map(() => []);
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [index, pool] of pools.entries()) {
        const started = performance.now();
        for (let i = 0; i < calls; i++) await pool.run(1);
        samples[index]!.push(((performance.now() - started) * 1000) / calls);
      }
    }
  } finally {
    for (const pool of pools) await pool.close();
  }
  return contenders.map((contender, index) => ({ name: contender.name, micros: median(samples[index]!) }));
}

const pick = (list: readonly Contender[], names: string[]) =>
  list.filter((contender) => names.includes(contender.name));
export const roundTripGroups = [
  { group: "2 worker threads", contenders: pick(threads, ["futures ThreadPoolExecutor", "piscina"]) },
  {
    group: "2 child processes",
    contenders: pick(processes, ["futures ProcessPoolExecutor", "workerpool (process)"]),
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const calls = Number(process.argv[2] ?? 5000);
  console.log(`load average ${os.loadavg()[0]!.toFixed(1)} at the start`);
  for (const { group, contenders } of roundTripGroups) {
    const [ours, ...peers] = await measureRoundTrips(contenders, calls);
    console.log(`\n${group}: one no-op call at a time, ${calls} calls a round, median of ${ROUNDS} rounds`);
    const rows = [ours!, ...peers].map(({ name, micros }) => [
      name,
      micros.toFixed(1),
      (ours!.micros / micros).toFixed(2),
    ]);
    for (const line of textTable(["executor", "us per call", "futures ÷ peer"], rows)) console.log(line);
  }
  console.log(`\nload average ${os.loadavg()[0]!.toFixed(1)} at the end`);
}
