// Build and end the library's executors by catalogue name. The library is imported only when
// an executor is asked for, so commands that need none start without it.
import type { Executor } from "concurrent-futures";
import type { PoolName } from "./catalogue.ts";

export type SizedExecutor = Executor & { readonly maxWorkers: number };

/** A new executor of that name; `maxWorkers` undefined means the executor's own default. */
export async function createExecutor(name: PoolName, maxWorkers?: number): Promise<SizedExecutor> {
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
