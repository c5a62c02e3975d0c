// The 2nd edition's check(n): is n prime, and how long did it take to find out.
import { task } from "concurrent-futures";
import { isPrime } from "./primes.ts";
import { kindOf } from "./job-checks.ts";

/** A prime near 2^64 takes about a minute to check: the largest number a job may ask about. */
const MAX_PRIME_CHECKED = 2n ** 64n - 1n;

export interface PrimeResult {
  n: bigint;
  prime: boolean;
  /** Seconds. */
  elapsed: number;
}

export const checkPrime = task(import.meta.url, "checkPrime", (n: bigint): PrimeResult => {
  if (typeof n !== "bigint") throw new TypeError(`n must be a bigint, got ${kindOf(n)}`);
  if (n < 0n || n > MAX_PRIME_CHECKED) throw new RangeError("n must be from 0 to 2^64 - 1");
  const t0 = performance.now();
  const prime = isPrime(n);
  return { n, prime, elapsed: (performance.now() - t0) / 1000 };
});
