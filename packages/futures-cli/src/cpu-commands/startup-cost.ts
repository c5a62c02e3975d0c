// Start-up cost of a pool: the time from creating it until each of its N workers has run a
// no-op once. Benchmarks start pools this way, so the suites are timed on running workers
// and the start-up is reported on its own; the commands print it beside their elapsed time.
import { EXECUTORS, type CpuExecutorName } from "../executors/catalogue.ts";
import { createExecutor, type SizedExecutor } from "../executors/create.ts";
import { workerIdentity } from "../cpu/probe-job.ts";

export interface StartedPool {
  executor: SizedExecutor;
  /** Milliseconds from creation until every worker had answered. */
  startupMs: number;
}

const MAX_ROUNDS = 100;

export async function startPool(kind: CpuExecutorName, workers: number): Promise<StartedPool> {
  const t0 = performance.now();
  const executor = await createExecutor(kind, workers);
  try {
    await warmUp(executor, kind, workers);
    return { executor, startupMs: performance.now() - t0 };
  } catch (error) {
    await executor.shutdown({ cancelFutures: true });
    throw error;
  }
}

/** Run a no-op on each of `workers` workers of the pool, so that all of them are running. */
export async function warmUp(executor: SizedExecutor, kind: CpuExecutorName, workers: number): Promise<void> {
  // The event loop has no workers to start.
  if (EXECUTORS[kind].inProcess) return;
  // Pools start a worker per submit while below maxWorkers, so one round usually reaches
  // them all; more rounds cover a pool that hands several no-ops to its first worker.
  const seen = new Set<string>();
  for (let round = 0; seen.size < workers && round < MAX_ROUNDS; round++) {
    const ids = await Promise.all(Array.from({ length: workers }, () => executor.submit(workerIdentity)));
    for (const id of ids) seen.add(id);
  }
  if (seen.size < workers) throw new Error(`only ${seen.size} of ${workers} ${kind} workers ever answered`);
}
