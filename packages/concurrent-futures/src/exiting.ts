// Refuse new work once the process has begun to exit, as Python refuses to "schedule new
// futures after interpreter shutdown".
//
// Code in a process.on("exit") handler runs after the event loop is gone: a task submitted
// there would never run, and a pool would start a worker nobody waits for. Our own "exit"
// listener is prepended, so it runs before any handler the program registered earlier.
import { ShutdownError } from "./errors.ts";

let exiting = false;
let watching = false;

/** Start noticing the process's exit; executors call it when they are created. */
export function watchProcessExit(): void {
  if (watching) return;
  watching = true;
  process.prependListener("exit", () => {
    exiting = true;
  });
}

/** Throw ShutdownError when called while the process is exiting. */
export function refuseWhileExiting(): void {
  if (exiting) throw new ShutdownError("cannot schedule new futures after the process began to exit");
}
