// Build and end the library's executors by catalogue name. The library is imported only when
// an executor is asked for, so commands that need none start without it.
import type { Executor } from "concurrent-futures";
import { DEFAULT_QUEUE, type PoolName } from "./catalogue.ts";

export type SizedExecutor = Executor & { readonly maxWorkers: number };

/** Where `queue` sends its jobs: set from --connection and --queue before a command runs. */
let queueSettings: { connection: string; queue: string } = { ...DEFAULT_QUEUE };

export function setQueueSettings(settings: {
  connection?: string | undefined;
  queue?: string | undefined;
}): void {
  queueSettings = {
    connection: settings.connection ?? DEFAULT_QUEUE.connection,
    queue: settings.queue ?? DEFAULT_QUEUE.queue,
  };
}

/**
 * A new executor of that name; `maxWorkers` undefined means the executor's own default. For
 * `queue` it is the window of jobs in Redis (default: twice the live workers' concurrency).
 */
export async function createExecutor(name: PoolName, maxWorkers?: number): Promise<SizedExecutor> {
  if (name === "queue") {
    const { QueueExecutor } = await import("concurrent-futures/queue");
    const executor = new QueueExecutor({ ...queueSettings, window: maxWorkers });
    await executor.waitUntilReady();
    return executor;
  }
  const { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor } = await import("concurrent-futures");
  switch (name) {
    case "processes":
      return new ProcessPoolExecutor({ maxWorkers });
    case "threads":
      return new ThreadPoolExecutor({ maxWorkers });
    case "async":
      return new AsyncExecutor({ maxWorkers });
  }
}

/**
 * End a command's executor: wait for it when every job finished; after a failure, stop it
 * at once, since jobs already handed to a worker cannot be cancelled.
 */
export async function closeExecutor(executor: Executor, finished: boolean): Promise<void> {
  if (finished) await executor.shutdown({ wait: true });
  else await executor.terminateWorkers();
}
