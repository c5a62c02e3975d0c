// A no-op that says which worker ran it, to time how long a pool takes to get every worker going.
import { threadId } from "node:worker_threads";
import { task } from "concurrent-futures";

export const workerIdentity = task(
  import.meta.url,
  "workerIdentity",
  (): string => `${process.pid}:${threadId}`,
);
