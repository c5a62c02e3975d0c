// The measuring pieces of `futures bench` (futures-cli/bench), for benchmarks of your own:
// pools started and warmed up with their start-up time, the RC4 jobs, the median of runs and
// plain-text tables.
export { median } from "./bench-measure.ts";
export { startPool, type StartedPool } from "../cpu-commands/startup-cost.ts";
export { submitArcfourJobs } from "../cpu-commands/run-arcfour.ts";
export { textTable } from "../common/text-table.ts";
