// `futures worker`: a QueueWorker per queue, all on one local pool (so --concurrency counts the
// process's tasks, whatever their queue), with one-line reports on start, on connection loss,
// on progress and on Ctrl-C.
import { LocalPool, QueueWorker, type LocalExecutorKind } from "concurrent-futures/queue";
import { UsageError, parseInteger } from "../common/usage.ts";
import { EXECUTORS, LOCAL_CPU_EXECUTORS } from "../executors/catalogue.ts";
import { maxCpuWorkers } from "../executors/worker-count.ts";
import { checkConnection } from "../executors/queue-checks.ts";
import { readQueueKey } from "../executors/queue-key.ts";
import { importTasks, resolveImports } from "./import-tasks.ts";
import { WorkerProgress } from "./progress.ts";
import { queueNames } from "./queue-names.ts";
import { stopOnSignals } from "./stop-signals.ts";
import { warnOfStrayRejections } from "./stray-rejections.ts";

/** The options of `futures worker`, as commander hands them over. */
export interface WorkerFlags {
  queue: string[];
  import: string[];
  connection: string;
  concurrency?: string;
  executor: string;
  keyFile?: string;
  tlsCa?: string;
}

/** The local executors a worker runs its tasks on. */
const WORKER_EXECUTORS = LOCAL_CPU_EXECUTORS as readonly LocalExecutorKind[];

/**
 * How long the worker tries to reach Redis at start. A wrong address or a port where
 * something else listens (and never answers as Redis would) then ends the worker with a line,
 * instead of a silent wait.
 */
const START_TIMEOUT_MS = 10_000;

export async function runWorker(flags: WorkerFlags): Promise<void> {
  if (!WORKER_EXECUTORS.includes(flags.executor as LocalExecutorKind)) {
    throw new UsageError(`--executor must be one of ${WORKER_EXECUTORS.join(", ")}, got '${flags.executor}'`);
  }
  const queues = queueNames(flags.queue);
  const { connection, where: redis } = await checkConnection(flags.connection, flags.tlsCa);
  const concurrency =
    flags.concurrency === undefined
      ? undefined
      : parseInteger(
          flags.concurrency,
          "--concurrency",
          1,
          maxCpuWorkers(flags.executor as LocalExecutorKind),
        );
  const key = readQueueKey(flags.keyFile);
  const imports = resolveImports(flags.import);
  const progress = new WorkerProgress(
    (line) => console.error(`futures worker: ${line}`),
    queues,
    key !== undefined,
  );
  if (EXECUTORS[flags.executor as LocalExecutorKind].inProcess)
    warnOfStrayRejections((line) => progress.say(line));
  await importTasks(imports, (line) => progress.say(line));
  let workers: QueueWorker[];
  try {
    const pool = new LocalPool({
      executor: flags.executor as LocalExecutorKind,
      concurrency,
      onWarning: (message) => progress.warn(message),
    });
    workers = queues.map(
      (queue) =>
        new QueueWorker({
          queue,
          connection,
          imports,
          pool,
          key,
          onEvent: (event) => progress.onEvent(event, queue),
        }),
    );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  stopOnSignals(workers, progress);

  const timer = setTimeout(() => {
    progress.say(`cannot reach Redis at ${redis} in ${START_TIMEOUT_MS / 1000} s; giving up`);
    process.exit(1);
  }, START_TIMEOUT_MS);
  try {
    await Promise.all(workers.map((worker) => worker.start()));
  } catch (error) {
    // Redis refused the worker (password, ACL, certificate) or lost its data: a fault of the
    // place, not of the command line. The process ends at once, like the timer above: a
    // connection still closing could only add a second line (ioredis leaves a TLS socket's
    // second 'error' without a listener).
    progress.say(`cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  clearTimeout(timer);
  // Runs until a signal; the Redis connections keep the process alive.
}
