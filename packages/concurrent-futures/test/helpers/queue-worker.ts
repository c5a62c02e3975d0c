// Worker processes for QueueExecutor tests: fixtures/queue-worker.ts run as a program, as
// `futures worker` runs, with short lock times so that a dead worker is found in seconds.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const program = fileURLToPath(new URL("../fixtures/queue-worker.ts", import.meta.url));

// Never outlive the test file, even one that times out before its hooks run.
const alive = new Set<ChildProcess>();
process.once("exit", () => alive.forEach((child) => child.kill("SIGKILL")));

/** Start a worker process for `queue`; resolves once it takes jobs. */
export function startWorker(
  url: string,
  queue: string,
  executor = "processes",
  concurrency = 2,
  key?: string,
  defaultLocks = false,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, program, url, queue, executor, String(concurrency)],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, QUEUE_TEST_KEY: key ?? "", QUEUE_TEST_DEFAULT_LOCKS: defaultLocks ? "1" : "" },
    },
  );
  alive.add(child);
  child.once("exit", () => alive.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("worker did not start in 20 s"));
    }, 20_000);
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      if (text.includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}
