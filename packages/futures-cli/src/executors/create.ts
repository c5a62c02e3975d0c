// Build and end the library's executors by catalogue name, with the queue settings of the
// command line.
import type { Executor } from "concurrent-futures";
import {
  DEFAULT_QUEUE,
  EXECUTORS,
  type PoolName,
  type QueueSettings,
  type QueueUse,
  type SizedExecutor,
} from "./catalogue.ts";

export type { SizedExecutor };

/** Where `queue` sends its jobs: set from --connection, --queue and the key before a command runs. */
let queueSettings: QueueSettings = { ...DEFAULT_QUEUE };

export function setQueueSettings(settings: {
  connection?: QueueSettings["connection"] | undefined;
  queue?: string | undefined;
  key?: Buffer | undefined;
  use?: QueueUse | undefined;
}): void {
  queueSettings = {
    connection: settings.connection ?? DEFAULT_QUEUE.connection,
    queue: settings.queue ?? DEFAULT_QUEUE.queue,
    key: settings.key,
    use: settings.use,
  };
}

/**
 * A new executor of that name; `maxWorkers` undefined means the executor's own default. For
 * `queue` it is the window of jobs in Redis (default: twice the live workers' concurrency).
 * `callsPerWorker`: calls each worker runs at once, where the executor offers it (threads).
 * `signal`: stop waiting for the executor to open (the queue's waits for Redis) when it aborts.
 */
export function createExecutor(
  name: PoolName,
  maxWorkers?: number,
  callsPerWorker?: number,
  signal?: AbortSignal,
): Promise<SizedExecutor> {
  return EXECUTORS[name].open!(maxWorkers, queueSettings, callsPerWorker, signal);
}

/**
 * End a command's executor: wait for it when every job finished; after a failure, stop it
 * at once, since jobs already handed to a worker cannot be cancelled.
 */
export async function closeExecutor(executor: Executor, finished: boolean): Promise<void> {
  if (finished) await executor.shutdown({ wait: true });
  else await executor.terminateWorkers();
}
