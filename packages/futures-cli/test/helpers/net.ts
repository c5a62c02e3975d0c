// Loopback helpers shared by every test folder of the command.

export { freePort } from "@futures/test-support/free-port";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves after `ms` without holding the process open: the side of a race that should lose. */
export function timer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
