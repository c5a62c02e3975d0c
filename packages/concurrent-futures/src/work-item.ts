// One call on its way through a thread or process pool: queued, then held by one worker
// until its outcome comes back, or until an abort, a break or terminateWorkers() ends it.
import type { CallRecord } from "./call-stats.ts";
import type { TransferItem } from "./executor.ts";
import type { Future } from "./future.ts";
import { Chunk } from "./map-chunks.ts";
import type { Call } from "./messages.ts";
import type { WorkerInfo } from "./trace-events.ts";

export interface WorkItem extends CallRecord {
  /** Unique in the pool: outcomes come back under it. */
  id: number;
  future: Future<any>;
  /** The task's key in the pool's TaskRegistry. */
  key: number;
  /** The call's arguments, or a map() chunk: its items, each run alone. */
  args: unknown[] | Chunk;
  transfer: TransferItem[] | undefined;
  /** Its abort ends the call: cancelled while queued, its worker ended once running. */
  signal: AbortSignal | undefined;
  /** performance.now() at submit, for its wait time (call-stats.ts). */
  submittedAt: number;
  /** The worker it was sent to, for trace events. */
  worker: WorkerInfo | undefined;
}

/** Set a future's outcome unless it is already done (a race with abort or a break). */
export function settle(item: WorkItem, set: () => void): void {
  if (!item.future.done()) set();
}

/** The call as a worker is sent it; a map() chunk's items are copied now, when they are sent. */
export function toCall({ id, key, args }: WorkItem): Call {
  return args instanceof Chunk ? [id, key, args.items(), true] : [id, key, args, false];
}
