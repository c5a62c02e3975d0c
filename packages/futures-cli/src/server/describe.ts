// One line saying what a listener does, for `futures serve` and the index page.
import type { Delay, FaultConfig } from "./options.ts";

export type Behaviour =
  { label: "LOCAL" } | { label: "DELAY"; delay: Delay } | { label: "ERROR"; faults: FaultConfig };

export function describeBehaviour(behaviour: Behaviour): string {
  switch (behaviour.label) {
    case "LOCAL":
      return "serves the flags as fast as it can";
    case "DELAY":
      return `delays every response ${formatDelay(behaviour.delay)}`;
    case "ERROR":
      return describeFaults(behaviour.faults);
  }
}

function describeFaults(faults: FaultConfig): string {
  const parts: string[] = [];
  const add = (rate: number, text: string) => {
    if (rate > 0) parts.push(`${percent(rate)} ${text}`);
  };
  add(faults.statusRate, `get ${orList(faults.statuses)} with Connection: close`);
  add(faults.delayRate, `are delayed ${formatDelay(faults.delay)}`);
  add(faults.resetRate, "have their connection reset");
  add(faults.hangRate, "are never answered");
  add(faults.truncateRate, "get a truncated body");
  add(faults.throttleRate, `are throttled to ${faults.throttleBytesPerSecond} bytes/s`);
  const untouched =
    1 -
    faults.statusRate -
    faults.delayRate -
    faults.resetRate -
    faults.hangRate -
    faults.truncateRate -
    faults.throttleRate;
  add(Math.max(0, untouched), "pass untouched");
  return parts.length > 0 ? parts.join(", ") : "passes every request untouched";
}

export function formatDelay(delay: Delay): string {
  if (typeof delay === "number") return `by ${delay} s`;
  if (delay.min === delay.max) return `by ${delay.min} s`;
  return `by ${delay.min} to ${delay.max} s (uniformly at random)`;
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function orList(statuses: number[]): string {
  if (statuses.length === 1) return `status ${statuses[0]}`;
  return `a random ${statuses.slice(0, -1).join(", ")} or ${statuses.at(-1)}`;
}
