// `futures demo primes`: ThreadPoolExecutor.map over numbers of very different difficulty.
// Workers report when they start and finish each check; results still arrive in order.
import { isPrimeVerbose } from "./demo-jobs.ts";
import { showMap } from "./demo-map.ts";

export const DEMO_PRIMES: readonly number[] = [
  112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419,
  112545606449, 4894348954034, 4236544062, 11112324353465, 12134123432, 423578924023, 12433323433,
  12334452364,
];

export function runPrimesDemo(): Promise<void> {
  return showMap(isPrimeVerbose, DEMO_PRIMES);
}
