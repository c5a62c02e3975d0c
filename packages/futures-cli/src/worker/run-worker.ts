// `futures worker`: a QueueWorker with one-line reports on start, on connection loss, on
// progress and on Ctrl-C.
import { QueueWorker, type LocalExecutorKind, type QueueWorkerEvent } from "concurrent-futures/queue";
import { UsageError, parseInteger } from "../cli/usage.ts";
import type { WorkerFlags } from "./command.ts";
import { expandImports } from "./app-tasks.ts";
import { WorkerProgress } from "./progress.ts";

const KINDS: readonly LocalExecutorKind[] = ["processes", "threads", "async"];

export async function runWorker(flags: WorkerFlags): Promise<void> {
  if (!KINDS.includes(flags.executor as LocalExecutorKind)) {
    throw new UsageError(`--executor must be one of ${KINDS.join(", ")}, got '${flags.executor}'`);
  }
  if (flags.queue === "" || flags.queue.includes(":")) {
    throw new UsageError(`--queue must be a name without ':', got '${flags.queue}'`);
  }
  const concurrency =
    flags.concurrency === undefined ? undefined : parseInteger(flags.concurrency, "--concurrency", 1, 10_000);
  const progress = new WorkerProgress((line) => console.error(`futures worker: ${line}`));
  let worker: QueueWorker;
  try {
    worker = new QueueWorker({
      queue: flags.queue,
      connection: flags.connection,
      imports: expandImports(flags.import),
      executor: flags.executor as LocalExecutorKind,
      concurrency,
      onEvent: (event: QueueWorkerEvent) => progress.onEvent(event, flags.queue),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  let stops = 0;
  let stopped: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    stops++;
    const code = signal === "SIGTERM" ? 143 : signal === "SIGHUP" ? 129 : 130;
    if (stops === 1) {
      progress.say(
        `${signal}: finishing ${worker.activeJobs} running jobs, taking no new ones (Ctrl-C again to hand them back)`,
      );
      stopped = worker.close();
    } else if (stops === 2) {
      progress.say(
        `${signal} again: handing back jobs not started, ending running tasks (a third time exits now)`,
      );
      stopped = worker.close({ handBack: true });
    } else {
      progress.say(`${signal} a third time: exiting now`);
      process.exit(code);
    }
    void stopped.then(() => {
      progress.finish();
      process.exit(code);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));

  try {
    await worker.start();
  } catch (error) {
    await worker.close().catch(() => {});
    throw new UsageError(`cannot start: ${(error as Error).message}`);
  }
  // Runs until a signal; the Redis connections keep the process alive.
}
