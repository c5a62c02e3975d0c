// The tasks of the two Executor.map demos. They print from the worker thread that runs them,
// as the book's do, so the timestamps show when each worker starts and finishes.
import { task } from "concurrent-futures";
import { display } from "./display.ts";
import { isPrime } from "../cpu/primes.ts";
import { checkWhole } from "../cpu/job-checks.ts";

/** The longest loiter a job may ask for, in seconds. */
const MAX_LOITER_SECONDS = 60;

/** Block this thread, as time.sleep does: a sleeping worker is a busy worker. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const loiter = task(import.meta.url, "loiter", (n: number): number => {
  checkWhole(n, "n", 0, MAX_LOITER_SECONDS);
  const tabs = "\t".repeat(n);
  display(`${tabs}loiter(${n}): doing nothing for ${n}s...`);
  sleepSync(n * 1000);
  display(`${tabs}loiter(${n}): done.`);
  return n * 10;
});

export const isPrimeVerbose = task(import.meta.url, "isPrimeVerbose", (n: number): boolean => {
  checkWhole(n, "n", 0, Number.MAX_SAFE_INTEGER);
  display(`isPrime(${n}): doing calculating...`);
  const prime = isPrime(n);
  display(`isPrime(${n}): done.`);
  return prime;
});
