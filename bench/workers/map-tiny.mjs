// ProcessPoolExecutor.map of N tiny items (chunksize 1000) on 2 processes, as a user's compiled
// program runs it: plain Node, the built library. Prints the sum of the results (to check) and
// the milliseconds from creating the pool to its shutdown (the items are made before), and
// with "start", the milliseconds until both workers had run a no-op.
//   node bench/workers/map-tiny.mjs N | start
import { ProcessPoolExecutor, task } from "concurrent-futures";

export const double = task(import.meta.url, "double", (x) => x * 2);

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain && process.argv[2] === "start") {
  const t0 = performance.now();
  const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
  await Promise.all([pool.submit(double, 1).result(), pool.submit(double, 2).result()]);
  const ms = performance.now() - t0;
  if (pool.workerCount !== 2) throw new Error(`${pool.workerCount} workers ran`);
  await pool.shutdown();
  console.log(`start ${ms.toFixed(1)}`);
} else if (isMain) {
  const n = Number(process.argv[2]);
  // Made before the clock starts, as CPython's range(n) costs nothing to make.
  const items = Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
  let sum = 0;
  for await (const value of pool.map(double, items, { chunksize: 1000 })) sum += value;
  await pool.shutdown();
  console.log(`sum ${sum} ms ${(performance.now() - t0).toFixed(1)}`);
}
