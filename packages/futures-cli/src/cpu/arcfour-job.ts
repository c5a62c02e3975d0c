// The book's arcfour_futures.py job: encrypt then decrypt random data and check the round trip.
import { randomFillSync } from "node:crypto";
import { task } from "concurrent-futures";
import { arcfour } from "./arcfour.ts";

export const ARCFOUR_JOBS = 12;
export const ARCFOUR_SIZE = 2 ** 18;
export const ARCFOUR_KEY: Uint8Array = new TextEncoder().encode(
  "'Twas brillig, and the slithy toves\nDid gyre",
);

/** The book's decreasing job sizes: from SIZE * 1.5 down to about SIZE * 0.58 for 12 jobs. */
export function arcfourJobSizes(jobs = ARCFOUR_JOBS, size = ARCFOUR_SIZE): number[] {
  const sizes: number[] = [];
  for (let i = jobs; i > 0; i--) sizes.push(size + Math.trunc((size / jobs) * (i - jobs / 2)));
  return sizes;
}

/** Encrypt and decrypt `size` random bytes; returns the size, throws if the round trip fails. */
export const arcfourTest = task(import.meta.url, "arcfourTest", (size: number, key: Uint8Array): number => {
  const inText = randomFillSync(new Uint8Array(size));
  const cypherText = arcfour(key, inText);
  const outText = arcfour(key, cypherText);
  if (!Buffer.from(inText.buffer, inText.byteOffset, inText.length).equals(outText))
    throw new Error("Failed arcfour_test");
  return size;
});
