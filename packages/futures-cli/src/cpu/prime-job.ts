// The 2nd edition's check(n): is n prime, and how long did it take to find out.
import { task } from "concurrent-futures";
import { isPrime } from "./primes.ts";

export interface PrimeResult {
  n: bigint;
  prime: boolean;
  /** Seconds. */
  elapsed: number;
}

export const checkPrime = task(import.meta.url, "checkPrime", (n: bigint): PrimeResult => {
  const t0 = performance.now();
  const prime = isPrime(n);
  return { n, prime, elapsed: (performance.now() - t0) / 1000 };
});
