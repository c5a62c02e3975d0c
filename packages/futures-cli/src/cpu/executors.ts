// Make the executor a CPU-bound command runs on, from its name on the command line.
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from "concurrent-futures";
import type { ExecutorKind } from "./executor-kinds.ts";

export type SizedExecutor = Executor & { readonly maxWorkers: number };

/** A new executor of that kind; `maxWorkers` undefined means the kind's own default. */
export function createExecutor(kind: ExecutorKind, maxWorkers?: number): SizedExecutor {
  switch (kind) {
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
