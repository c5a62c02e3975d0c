// The book's arcfour_futures.py job: encrypt then decrypt random data and check the round trip.
import { randomFillSync } from "node:crypto";
import { task } from "concurrent-futures";
import { arcfour } from "./arcfour.ts";
import { arcfourWasm } from "./arcfour-wasm.ts";
import { MAX_ARCFOUR_JOB_BYTES, checkWhole, kindOf } from "./job-checks.ts";

export const ARCFOUR_JOBS = 12;
/**
 * 32 MiB in the middle, 12 jobs: over a second of RC4 on one free core, several times what
 * starting and stopping a pool of processes costs (0.1-0.2 s), so that `futures arcfour 2`
 * shows the speedup the book teaches. The book's 256 KiB jobs took 36 ms in all here, less
 * than starting one process, and showed no speedup at all.
 */
export const ARCFOUR_SIZE = 2 ** 25;
export const ARCFOUR_KEY: Uint8Array = new TextEncoder().encode(
  "'Twas brillig, and the slithy toves\nDid gyre",
);

/** The two implementations of the same cipher: the readable TypeScript one and the fast kernel. */
const ARCFOUR_KERNELS = { wasm: arcfourWasm, typescript: arcfour } as const;
export type ArcfourKernel = keyof typeof ARCFOUR_KERNELS;
export const DEFAULT_ARCFOUR_KERNEL: ArcfourKernel = "wasm";

/** The book's decreasing job sizes: from SIZE * 1.5 down to about SIZE * 0.58 for 12 jobs. */
export function arcfourJobSizes(jobs = ARCFOUR_JOBS, size = ARCFOUR_SIZE): number[] {
  const sizes: number[] = [];
  for (let i = jobs; i > 0; i--) sizes.push(size + Math.trunc((size / jobs) * (i - jobs / 2)));
  return sizes;
}

/** Encrypt and decrypt `size` random bytes; returns the size, throws if the round trip fails. */
export const arcfourTest = task(
  import.meta.url,
  "arcfourTest",
  (size: number, key: Uint8Array, kernel: ArcfourKernel = DEFAULT_ARCFOUR_KERNEL): number => {
    checkWhole(size, "size", 0, MAX_ARCFOUR_JOB_BYTES);
    if (!(key instanceof Uint8Array)) throw new TypeError(`key must be a Uint8Array, got ${kindOf(key)}`);
    if (key.length < 1 || key.length > 256)
      throw new RangeError(`key must be 1 to 256 bytes, got ${key.length}`);
    if (typeof kernel !== "string") throw new TypeError(`kernel must be a string, got ${kindOf(kernel)}`);
    if (!Object.hasOwn(ARCFOUR_KERNELS, kernel)) {
      throw new RangeError(`kernel must be one of ${Object.keys(ARCFOUR_KERNELS).join(", ")}`);
    }
    const cipher = ARCFOUR_KERNELS[kernel];
    const inText = randomFillSync(new Uint8Array(size));
    const cypherText = cipher(key, inText);
    // Decrypted in place: a third array of the size cost more in page faults than the RC4 pass
    // (a 32 MiB job took 435 ms of CPU that way, 306 ms in place, measured on the development VM).
    const outText = cipher(key, cypherText, undefined /* the default 20 loops */, cypherText);
    if (!Buffer.from(inText.buffer, inText.byteOffset, inText.length).equals(outText))
      throw new Error("Failed arcfour_test");
    return size;
  },
);
