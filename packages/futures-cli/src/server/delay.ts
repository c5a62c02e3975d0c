// Delays of the DELAY listener and of delayed ERROR requests: seconds, fixed or drawn
// uniformly from a range for each request.
import type { Random } from "./random.ts";

/** Seconds: a fixed time, or a time drawn uniformly from [min, max] for each request. */
export type Delay = number | { min: number; max: number };

/** The longest wait a Node.js timer holds (2^31 - 1 ms); a longer one would fire at once. */
export const MAX_DELAY_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function checkDelay(delay: Delay, what: string): void {
  const [min, max] = typeof delay === "number" ? [delay, delay] : [delay.min, delay.max];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min || max > MAX_DELAY_SECONDS) {
    throw new RangeError(
      `${what} must be seconds from 0 to ${MAX_DELAY_SECONDS} (MIN <= MAX for a range), got ${JSON.stringify(delay)}`,
    );
  }
}

/** Milliseconds to wait: the fixed delay, or one drawn uniformly from its range. */
export function drawDelayMs(delay: Delay, random: Random): number {
  const seconds = typeof delay === "number" ? delay : uniform(random, delay.min, delay.max);
  return seconds * 1000;
}

/** For a description: "by 0.5 s", "by 0.5 to 5 s (uniformly at random)". */
export function formatDelay(delay: Delay): string {
  if (typeof delay === "number") return `by ${delay} s`;
  if (delay.min === delay.max) return `by ${delay.min} s`;
  return `by ${delay.min} to ${delay.max} s (uniformly at random)`;
}

/** As the command line writes it: "0.5" or "0.5:5". */
export function delayText(delay: Delay): string {
  return typeof delay === "number" ? String(delay) : `${delay.min}:${delay.max}`;
}

/** Seconds drawn uniformly in [min, max]. */
function uniform(random: Random, min: number, max: number): number {
  return min === max ? min : min + (max - min) * random();
}
