// The book's sha_futures.py job: SHA-256 of random bytes.
import { createHash, randomFillSync } from "node:crypto";
import { task } from "concurrent-futures";
import { MAX_JOB_BYTES, checkWhole } from "./job-checks.ts";

export const SHA_JOBS = 12;
/**
 * 128 MiB per job, 12 jobs: about a second and a half of hashing on one core, so that a
 * second worker process pays for its start-up and `futures sha 2` shows the book's speedup.
 */
export const SHA_SIZE = 2 ** 27;

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Random bytes are made and hashed this much at a time, so a job's memory stays small at any size. */
const CHUNK = 2 ** 20;

/** Hash `size` random bytes and return the hex digest. */
export const sha256Job = task(import.meta.url, "sha256Job", (size: number): string => {
  checkWhole(size, "size", 0, MAX_JOB_BYTES);
  const hash = createHash("sha256");
  const chunk = new Uint8Array(Math.min(size, CHUNK));
  for (let done = 0; done < size; done += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - done));
    hash.update(randomFillSync(part));
  }
  return hash.digest("hex");
});
