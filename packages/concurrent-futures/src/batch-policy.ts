// How many calls a pool sends to one worker in one message: a pure policy, no I/O.
//
// A worker runs one call at a time. While the queue is short, each idle worker is given
// one call, exactly like Python's pools. When the queue is deep, calls go out in batches
// sized to about BATCH_MS of work, with a second batch sent ahead, so that tiny tasks are
// not dominated by message round trips. A task not measured yet is assumed slow
// (UNMEASURED_MS), so it goes one call at a time and stays cancellable while queued.

export const MAX_BATCH = 256;
/** Queued calls per worker before a second batch is sent ahead. */
export const MIN_DEEP_QUEUE = 8;
export const UNMEASURED_MS = 10;
export const BATCH_MS = 2;

/** Mean milliseconds per call of a task, or the slow guess when it was never measured. */
export function estimateMs(measuredMs: number | undefined): number {
  return measuredMs ?? UNMEASURED_MS;
}

/**
 * The running mean after a worker reports `perCallMs` for a batch of the task. It follows a
 * faster measure sooner than a slower one: a task's first calls run in a worker whose code is
 * not compiled yet, and map() of tiny items went one chunk per round trip for a dozen of them.
 */
export function updateMeanMs(measuredMs: number | undefined, perCallMs: number): number {
  if (measuredMs === undefined) return perCallMs;
  return perCallMs < measuredMs ? 0.5 * (measuredMs + perCallMs) : 0.8 * measuredMs + 0.2 * perCallMs;
}

/**
 * Calls to send at once: about BATCH_MS of the task at the head of the queue, no more
 * than a fair share of the queue per worker, and never more than MAX_BATCH.
 */
export function batchSize(queued: number, workers: number, headMs: number | undefined): number {
  if (queued === 0) return 1;
  const perWorker = Math.ceil(queued / Math.max(1, workers));
  const byTime = Math.max(1, Math.floor(BATCH_MS / estimateMs(headMs)));
  return Math.min(MAX_BATCH, byTime, perWorker);
}

/** Whether the queue is deep enough to give busy workers their next batch ahead of time. */
export function sendAhead(queued: number, workers: number, batch: number): boolean {
  return batch > 1 && queued >= Math.max(batch, MIN_DEEP_QUEUE) * workers;
}

/** Whether a batch of `count` calls may take one more call of a task that takes `ms`. */
export function fitsInBatch(count: number, ms: number | undefined): boolean {
  return count === 0 || (count + 1) * estimateMs(ms) <= BATCH_MS;
}
