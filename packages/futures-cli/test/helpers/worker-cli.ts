// `futures worker` started by a test on its own Redis, with the fixture tasks: the one way the
// CLI's queue tests start workers, each kept in the test file's set until it exits, so that
// the file can kill (by pid) whatever a failed test left running.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { spawnCli } from "./cli.ts";

/** The fixture tasks every queue test imports. */
export const TASKS = fileURLToPath(new URL("../fixtures/tasks.mjs", import.meta.url));

/** Start `futures worker` for `queues` on `redisUrl`, with `options` after the common ones. */
export function spawnWorkerCli(
  started: Set<ChildProcess>,
  redisUrl: string,
  queues: readonly string[],
  ...options: string[]
): ChildProcess {
  const worker = spawnCli([
    "worker",
    ...queues.flatMap((queue) => ["--queue", queue]),
    "--import",
    TASKS,
    "--connection",
    redisUrl,
    ...options,
  ]);
  started.add(worker);
  worker.once("exit", () => started.delete(worker));
  return worker;
}
