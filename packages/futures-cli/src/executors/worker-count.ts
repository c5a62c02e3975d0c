// How many workers a CPU command really starts, and the most it accepts.
import os from "node:os";
import { EXECUTORS, MAX_CONCURRENCY, type CpuExecutorName } from "./catalogue.ts";

/**
 * The most workers a CPU command accepts. A worker of a pool is a whole V8 isolate (10-40 MB
 * and 30-60 ms to start), and CPU-bound work gains nothing past one per core, so a larger
 * number is a typo, refused before anything starts; the event loop's workers are only slots.
 */
export function maxCpuWorkers(kind: CpuExecutorName): number {
  return EXECUTORS[kind].cpu!.slots ? MAX_CONCURRENCY : Math.max(64, 2 * os.availableParallelism());
}

/**
 * The workers that really start for `jobs` jobs: a pool starts one per job at most, so with
 * fewer jobs than `maxWorkers` the rest never exist. The event loop has no workers to start:
 * `maxWorkers` is how many jobs it interleaves, whatever their number.
 */
export function startedWorkers(kind: CpuExecutorName, maxWorkers: number, jobs: number): number {
  return EXECUTORS[kind].inProcess ? maxWorkers : Math.max(1, Math.min(maxWorkers, jobs));
}

/** "2 processes", or "20 processes (one per job; 99999 asked)" when fewer start than asked. */
export function describeWorkers(started: number, asked: number, noun: string, jobNoun = "job"): string {
  return started < asked ? `${started} ${noun} (one per ${jobNoun}; ${asked} asked)` : `${started} ${noun}`;
}
