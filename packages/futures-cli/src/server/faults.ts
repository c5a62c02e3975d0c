// Choosing what happens to a request: one draw per request, in arrival order, from the
// listener's own seeded stream, so a seed repeats the whole sequence.
import { FAULT_KINDS, NO_FAULT, type Fault } from "./fault-kinds.ts";
import type { FaultConfig } from "./options.ts";
import type { Random } from "./random.ts";

/** The ERROR listener's draw: each fault kind with its rate, in table order; no fault with what is left. */
export function drawFault(config: FaultConfig, random: Random): Fault {
  let point = random();
  for (const row of FAULT_KINDS) {
    point -= config[row.rate];
    if (point < 0) return row.draw(config, random);
  }
  return NO_FAULT;
}
