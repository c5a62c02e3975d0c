// Starting one child process of a process pool. On Linux, where util-linux's setpriv is
// installed, the child starts through it with --pdeathsig KILL: the kernel then ends the child
// as soon as the pool's thread ends, at no cost to the child. Elsewhere (and on Bun and Deno,
// which start their children their own way) the child starts a watchdog thread instead
// (parent-watchdog.ts), which costs about a fifth of a child's start-up. The child learns
// which from KERNEL_WATCH_ENV.
import type { ChildProcess, StdioOptions } from "node:child_process";

export const KERNEL_WATCH_ENV = "CONCURRENT_FUTURES_PDEATHSIG";
const SETPRIV = "/usr/bin/setpriv";

let setprivFound: boolean | undefined;

/** Whether children start with the kernel's parent-death signal; looked for on the first spawn. */
function kernelWatch(): boolean {
  setprivFound ??=
    process.platform === "linux" &&
    !process.versions.bun &&
    !process.versions.deno &&
    process.getBuiltinModule("node:fs").existsSync(SETPRIV);
  return setprivFound;
}

/** Start `entry` in a new Node process with an IPC channel (V8 serialization) and `stdio`. */
export function startChild(entry: string, execArgv: string[], stdio: StdioOptions): ChildProcess {
  const { fork, spawn } = process.getBuiltinModule("node:child_process");
  const { [KERNEL_WATCH_ENV]: _inherited, ...env } = process.env;
  if (!kernelWatch()) return fork(entry, [], { serialization: "advanced", execArgv, stdio, env });
  return spawn(SETPRIV, ["--pdeathsig", "KILL", "--", process.execPath, ...execArgv, entry], {
    serialization: "advanced",
    stdio,
    env: { ...env, [KERNEL_WATCH_ENV]: "1" },
  });
}
