// A pool's child process must not outlive its parent: not while its task never yields, and
// not with a noisy "write EPIPE" when results are still flowing as the parent dies.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const parentScript = fileURLToPath(new URL("./fixtures/orphan-parent.ts", import.meta.url));

/**
 * Whether the process still runs. kill(pid, 0) also succeeds on a zombie, a process that
 * has ended but waits to be reaped by its new parent (init, which may reap late); where
 * /proc tells, a zombie counts as ended.
 */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

/** Start the parent program; resolves with it, its worker pids and its stderr so far. */
async function startParent(mode: "busy" | "flood" | "watchdog") {
  const parent = spawn(process.execPath, [...process.execArgv, parentScript, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  parent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // stdout and stderr close once every process holding them (the workers too) is gone.
  const closed = once(parent, "close");
  let stdout = "";
  for await (const chunk of parent.stdout) {
    stdout += String(chunk);
    if (stdout.includes("\n")) break;
  }
  const pids = JSON.parse(stdout.split("\n")[0]!) as number[];
  return { parent, pids, closed, stderr: () => stderr };
}

/** Milliseconds until none of `pids` exists; kills them and fails after `guardMs`. */
async function timeToEnd(pids: number[], guardMs: number): Promise<number> {
  const started = performance.now();
  while (pids.some(running)) {
    if (performance.now() - started > guardMs) {
      for (const pid of pids.filter(running)) process.kill(pid, "SIGKILL");
      assert.fail(`worker processes ${pids} outlived their parent by ${guardMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

describe("ProcessPoolExecutor children after their parent dies", () => {
  it(
    "a child busy with a task that never yields ends soon after its parent is SIGKILLed",
    { timeout: 60_000 },
    async (t) => {
      const { parent, pids, closed, stderr } = await startParent("busy");
      assert.equal(pids.length, 1);
      assert.notEqual(pids[0], parent.pid);
      parent.kill("SIGKILL");
      const ms = await timeToEnd(pids, 10_000);
      t.diagnostic(`busy orphan ended ${ms.toFixed(0)} ms after its parent's SIGKILL`);
      await closed;
      assert.equal(stderr(), "", "the child ended quietly");
    },
  );

  it(
    "where the kernel's parent-death signal is not used, the watchdog thread ends a busy orphan",
    { timeout: 60_000 },
    async (t) => {
      const { parent, pids, closed } = await startParent("watchdog");
      parent.kill("SIGKILL");
      const ms = await timeToEnd(pids, 10_000);
      t.diagnostic(`busy orphan ended ${ms.toFixed(0)} ms after its parent's SIGKILL`);
      await closed;
    },
  );

  it(
    "children sending results end quietly when their parent is SIGTERMed",
    { timeout: 60_000 },
    async (t) => {
      for (let round = 0; round < 3; round++) {
        const { parent, pids, closed, stderr } = await startParent("flood");
        parent.kill("SIGTERM");
        const ms = await timeToEnd(pids, 10_000);
        t.diagnostic(`round ${round}: children ended ${ms.toFixed(0)} ms after their parent's SIGTERM`);
        await closed;
        assert.doesNotMatch(stderr(), /EPIPE|Unhandled|Error/, `round ${round}`);
      }
    },
  );
});
