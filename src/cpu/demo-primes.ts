// `futures demo primes`: ThreadPoolExecutor.map over numbers of very different difficulty.
// Workers report when they start and finish each check; results still arrive in order.
import { inspect } from "node:util";
import { ThreadPoolExecutor } from "../futures/index.ts";
import { isPrimeVerbose } from "./demo-jobs.ts";
import { display } from "./display.ts";

export const DEMO_PRIMES: readonly number[] = [
  112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419,
  112545606449, 4894348954034, 4236544062, 11112324353465, 12134123432, 423578924023, 12433323433,
  12334452364,
];

export async function runPrimesDemo(): Promise<void> {
  display("Script starting.");
  const executor = new ThreadPoolExecutor({ maxWorkers: 3 });
  try {
    const results = executor.map(isPrimeVerbose, DEMO_PRIMES);
    display(`results: ${inspect(results)}`);
    display("Waiting for individual results:");
    let i = 0;
    for await (const result of results) display(`result ${i++}: ${result}`);
  } finally {
    await executor.shutdown();
  }
}
