// What a listener does: one line for `futures serve`, one sentence for its page.
import { formatDelay, type Delay } from "./delay.ts";
import { FAULT_KINDS } from "./fault-kinds.ts";
import type { FaultConfig } from "./options.ts";

export type Behaviour =
  { label: "LOCAL" } | { label: "DELAY"; delay: Delay } | { label: "ERROR"; faults: FaultConfig };

/** For the start-up lines: "delays every response by 0.5 s", "25% get ..., 25% pass untouched". */
export function describeBehaviour(behaviour: Behaviour): string {
  if (behaviour.label !== "ERROR") return predicate(behaviour);
  const shares = faultShares(behaviour.faults);
  return shares.length > 0 ? shares.join(", ") : UNTOUCHED;
}

/** For the page: "This listener delays every response by 0.5 s." */
export function behaviourSentence(behaviour: Behaviour): string {
  if (behaviour.label !== "ERROR") return `This listener ${predicate(behaviour)}.`;
  const shares = faultShares(behaviour.faults);
  if (shares.length === 0) return `This listener ${UNTOUCHED}.`;
  const list = shares.length === 1 ? shares[0] : `${shares.slice(0, -1).join(", ")} and ${shares.at(-1)}`;
  return `This listener draws one outcome for each flag request: ${list}.`;
}

const UNTOUCHED = "passes every request untouched";

function predicate(behaviour: Exclude<Behaviour, { label: "ERROR" }>): string {
  return behaviour.label === "LOCAL"
    ? "serves the flags as fast as it can"
    : `delays every response ${formatDelay(behaviour.delay)}`;
}

/** "25% get ...", one per kind with a rate, then the share left untouched; none without faults. */
function faultShares(faults: FaultConfig): string[] {
  const shares = FAULT_KINDS.filter((row) => faults[row.rate] > 0).map(
    (row) => `${percent(faults[row.rate])} ${row.phrase(faults)}`,
  );
  if (shares.length === 0) return [];
  const untouched = 1 - FAULT_KINDS.reduce((sum, row) => sum + faults[row.rate], 0);
  if (untouched > 1e-9) shares.push(`${percent(untouched)} pass untouched`);
  return shares;
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
