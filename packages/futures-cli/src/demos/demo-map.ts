// `futures demo map`: the book's demo_executor_map.py. Five loiter calls on three threads:
// the work runs in parallel, yet map() hands the results back in input order.
import { inspect } from "node:util";
import { ThreadPoolExecutor, type Task } from "concurrent-futures";
import { loiter } from "./demo-jobs.ts";
import { display } from "./display.ts";

export function runMapDemo(): Promise<void> {
  return showMap(loiter, [0, 1, 2, 3, 4]);
}

/** The book's map demo script around any task: map on 3 threads, results printed in order. */
export async function showMap<A, R>(fn: Task<(item: A) => R>, items: readonly A[]): Promise<void> {
  display("Script starting.");
  const executor = new ThreadPoolExecutor({ maxWorkers: 3 });
  try {
    const results = executor.map(fn, items);
    display(`results: ${inspect(results)}`);
    display("Waiting for individual results:");
    let i = 0;
    for await (const result of results) display(`result ${i++}: ${result}`);
  } finally {
    await executor.shutdown();
  }
}
