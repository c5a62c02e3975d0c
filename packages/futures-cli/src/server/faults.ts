// Choosing what happens to a request: one draw per request, in arrival order, from the
// listener's own seeded stream, so a seed repeats the whole sequence.
import type { Delay, FaultConfig } from "./options.ts";
import { uniform, type Random } from "./random.ts";

export type Fault =
  | { kind: "none" }
  | { kind: "status"; status: number }
  | { kind: "delay"; ms: number }
  | { kind: "reset" }
  | { kind: "hang" }
  | { kind: "truncate" }
  | { kind: "throttle"; bytesPerSecond: number };

const NONE: Fault = { kind: "none" };

/** The ERROR listener's draw: each fault with its rate, no fault with what is left. */
export function drawFault(config: FaultConfig, random: Random): Fault {
  let point = random();
  const hit = (rate: number) => {
    point -= rate;
    return point < 0;
  };
  if (hit(config.statusRate)) {
    const statuses = config.statuses;
    const status = statuses.length === 1 ? statuses[0]! : statuses[Math.floor(random() * statuses.length)]!;
    return { kind: "status", status };
  }
  if (hit(config.delayRate)) return { kind: "delay", ms: drawDelayMs(config.delay, random) };
  if (hit(config.resetRate)) return { kind: "reset" };
  if (hit(config.hangRate)) return { kind: "hang" };
  if (hit(config.truncateRate)) return { kind: "truncate" };
  if (hit(config.throttleRate)) return { kind: "throttle", bytesPerSecond: config.throttleBytesPerSecond };
  return NONE;
}

/** Milliseconds to wait: the fixed delay, or one drawn uniformly from its range. */
export function drawDelayMs(delay: Delay, random: Random): number {
  const seconds = typeof delay === "number" ? delay : uniform(random, delay.min, delay.max);
  return seconds * 1000;
}
