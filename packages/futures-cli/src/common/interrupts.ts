// Signals that interrupt a command, and the exit status of each (128 + its number, as a shell
// reports it): Ctrl-C, `kill`, and a closed terminal.
export const INTERRUPT_STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export type Interrupt = keyof typeof INTERRUPT_STATUS;

export const INTERRUPTS = Object.keys(INTERRUPT_STATUS) as Interrupt[];
