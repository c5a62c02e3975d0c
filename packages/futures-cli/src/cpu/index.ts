// The CPU-bound suite as a library: the cipher, the jobs (tasks that run in any pool) and
// the primality test.
export { arcfour } from "./arcfour.ts";
export { arcfourWasm } from "./arcfour-wasm.ts";
export {
  ARCFOUR_JOBS,
  ARCFOUR_KEY,
  ARCFOUR_SIZE,
  arcfourJobSizes,
  arcfourTest,
  type ArcfourKernel,
} from "./arcfour-job.ts";
export { SHA_JOBS, SHA_SIZE, sha256Hex, sha256Job } from "./sha-job.ts";
export { isPrime, PRIME_NUMBERS } from "./primes.ts";
export { checkPrime, type PrimeResult } from "./prime-job.ts";
