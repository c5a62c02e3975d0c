// End a pool's child process within a fraction of a second of its parent's death, even
// while a task keeps the child's main thread busy for ever.
//
// The child's "disconnect" event needs its main thread, which a CPU-bound task never gives
// back; Node has no "parent death signal" (Linux's PR_SET_PDEATHSIG). So a tiny watchdog
// thread polls instead: when the child has been re-parented (its ppid changed) or the
// parent no longer exists, it SIGKILLs its own process. A thread, not a second process,
// because it dies with the child and costs no IPC. SIGKILL, because the task may have
// installed signal handlers that a blocked main thread would never run, and because there
// is no one left to report to.

const POLL_MS = 200;

const watchdogCode = `
const { parentPid, pollMs } = require("node:worker_threads").workerData;
function parentGone() {
  if (process.ppid !== parentPid) return true;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}
setInterval(() => {
  if (parentGone()) process.kill(process.pid, "SIGKILL");
}, pollMs);
`;

export function watchParent(): void {
  // node:worker_threads is loaded only here, where a child needs it (see worker-loop.ts).
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const watchdog = new Worker(watchdogCode, {
    eval: true,
    // A bare thread: no loader hooks or preloads of the parent's node options.
    execArgv: [],
    workerData: { parentPid: process.ppid, pollMs: POLL_MS },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  // The watchdog never keeps the child alive on its own, and a watchdog that fails to start
  // must not take a working child down with it.
  watchdog.unref();
  watchdog.on("error", () => {});
}
