// redis-cli as the test setups drive real servers with it, and a bounded wait for a state
// they reach: shared by the cluster and the Sentinel setups.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The reply to one command on the server at `port`; an error reply throws. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], {
    timeout: 10_000,
  });
  const reply = stdout.trim();
  // redis-cli prints an error reply and still exits 0.
  if (/^(\(error\) )?(ERR|MOVED|ASK|CLUSTERDOWN|TRYAGAIN|IOERR|NOAUTH)\b/.test(reply)) {
    throw new Error(`redis-cli -p ${port} ${args.join(" ")}: ${reply}`);
  }
  return reply;
}

/** Wait until `check` holds (a failing check counts as not yet), at most `ms`; `what` names it. */
export async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`never reached: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
