import {
  AsyncExecutor,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  asCompleted,
  wait,
} from "concurrent-futures";
import { cube, slowSquare } from "./tasks.ts";

// map: results in input order, whatever order the work finishes in.
for (const Executor of [AsyncExecutor, ThreadPoolExecutor, ProcessPoolExecutor]) {
  await using executor = new Executor({ maxWorkers: 2 });
  const cubes: number[] = [];
  for await (const value of executor.map(cube, [1, 2, 3, 4])) cubes.push(value);
  console.log(executor.constructor.name, cubes);
}

// submit + asCompleted: futures in the order they finish.
await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
// Three calls at once start the three threads, so that below the sleeps alone decide the order.
await wait([1, 2, 3].map(() => pool.submit(slowSquare, 0, 50)));
const futures = [
  pool.submit(slowSquare, 3, 1200),
  pool.submit(slowSquare, 2, 800),
  pool.submit(slowSquare, 1, 400),
];
console.log(String(futures[0]));
for await (const future of asCompleted(futures)) {
  console.log(String(future), await future.result());
}

// wait: split futures into done and not done.
const { done, notDone } = await wait([pool.submit(slowSquare, 4, 10), pool.submit(slowSquare, 5, 500)], {
  returnWhen: "FIRST_COMPLETED",
});
console.log(`done: ${done.size}, not done: ${notDone.size}`);
