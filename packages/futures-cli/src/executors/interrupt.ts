// Ctrl-C (or SIGTERM, SIGHUP) during a CPU command on `-x queue`. Its jobs live in Redis and
// would outlive the command, waiting for a worker: the first signal terminates the executor
// (jobs no worker took are withdrawn, the workers running the others are asked to end them),
// and the command ends with 128 + the signal's number. A second signal exits at once. Local
// pools keep Node's default: their workers end with the process.
import type { Executor } from "concurrent-futures";
import { INTERRUPT_STATUS, INTERRUPTS, type Interrupt } from "../common/interrupts.ts";

/** A command ended by a signal: one line, and exit status 128 + the signal's number. */
export class Interrupted extends Error {
  override name = "Interrupted";
  readonly status: number;

  constructor(signal: Interrupt) {
    super(`interrupted by ${signal}; jobs no worker had taken were withdrawn`);
    this.status = INTERRUPT_STATUS[signal];
  }
}

/**
 * Until the returned function is called, a signal terminates `executor`. That function
 * throws Interrupted when a signal came.
 */
export function terminateOnSignal(executor: Executor): () => void {
  let first: Interrupt | undefined;
  const onSignal = (signal: Interrupt): void => {
    if (first) process.exit(INTERRUPT_STATUS[first]);
    first = signal;
    void executor.terminateWorkers();
  };
  for (const name of INTERRUPTS) process.on(name, onSignal);
  return () => {
    for (const name of INTERRUPTS) process.off(name, onSignal);
    if (first) throw new Interrupted(first);
  };
}
