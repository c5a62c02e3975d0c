// asCompleted against wait() on the same futures, in one run: both should scale linearly,
// asCompleted within a small factor of wait(). Rows: n futures already finished, and n
// futures finished by a producer (1000 per macrotask) while the consumer iterates.
// Run: npx tsx bench/as-completed.ts
import { Future, asCompleted, wait } from "concurrent-futures";
import { median, textTable } from "futures-cli/bench";

const RUNS = 3;
const BATCH = 1000;

interface Scenario {
  label: string;
  n: number;
  /** Make the futures; `start()` begins finishing the ones that are not finished yet. */
  make(): { futures: Future<number>[]; start(): void };
}

function finished(n: number): Scenario {
  return {
    label: `${n.toLocaleString("en-US")} finished`,
    n,
    make() {
      const futures = Array.from({ length: n }, (_, i) => {
        const future = new Future<number>();
        future.setResult(i);
        return future;
      });
      return { futures, start() {} };
    },
  };
}

function finishing(n: number): Scenario {
  return {
    label: `${n.toLocaleString("en-US")} finishing while iterating`,
    n,
    make() {
      const futures = Array.from({ length: n }, () => new Future<number>());
      const start = (): void => {
        let next = 0;
        const batch = (): void => {
          for (const end = Math.min(n, next + BATCH); next < end; next++) futures[next]!.setResult(next);
          if (next < n) setImmediate(batch);
        };
        setImmediate(batch);
      };
      return { futures, start };
    },
  };
}

async function timeAsCompleted(scenario: Scenario): Promise<number> {
  const { futures, start } = scenario.make();
  const began = performance.now();
  start();
  let count = 0;
  for await (const future of asCompleted(futures)) if (future.done()) count++;
  const ms = performance.now() - began;
  if (count !== scenario.n) throw new Error(`asCompleted yielded ${count} of ${scenario.n}`);
  return ms;
}

async function timeWait(scenario: Scenario): Promise<number> {
  const { futures, start } = scenario.make();
  const began = performance.now();
  start();
  const { done } = await wait(futures);
  const ms = performance.now() - began;
  if (done.size !== scenario.n) throw new Error(`wait returned ${done.size} of ${scenario.n}`);
  return ms;
}

const scenarios = [finished(10_000), finished(100_000), finished(1_000_000), finishing(100_000)];
const rows: string[][] = [];
for (const scenario of scenarios) {
  const asCompletedMs: number[] = [];
  const waitMs: number[] = [];
  // Interleaved, so that load on the machine hits both alike.
  for (let run = 0; run < RUNS; run++) {
    asCompletedMs.push(await timeAsCompleted(scenario));
    waitMs.push(await timeWait(scenario));
  }
  const a = median(asCompletedMs);
  const w = median(waitMs);
  rows.push([scenario.label, `${a.toFixed(1)} ms`, `${w.toFixed(1)} ms`, `${(a / w).toFixed(2)}x`]);
}
console.log(`asCompleted vs wait() on the same futures, median of ${RUNS}`);
for (const line of textTable(["futures", "asCompleted", "wait()", "asCompleted ÷ wait"], rows)) {
  console.log(line);
}
