// What `futures dashboard --queue` shows, from the queue's status read every second (the
// workers' own heartbeats in Redis, BullMQ's counts): each live worker on every host with
// its share of slots busy over the last HISTORY looks, the job counts, jobs per second, and
// what needs attention. Workers that went silent keep their lane, marked so, for as long as
// the lane still shows them busy.
import type { QueueStatus } from "concurrent-futures/queue";

/** Looks kept per worker: two minutes at one a second. */
export const HISTORY = 120;

export interface QueueWorkerLane {
  id: string;
  name: string;
  live: boolean;
  running: number;
  concurrency: number;
  finishedLastMinute: number;
  /** Share of its slots busy at each look, oldest first; null before it was seen. */
  busy: (number | null)[];
}

export interface QueueBoardUpdate {
  queue: string;
  redis: string;
  /** Why the last look failed (Redis unreachable), if it did. */
  error: string | null;
  counts: QueueStatus["counts"] | null;
  jobsPerSecond: number;
  findings: string[];
  workers: QueueWorkerLane[];
}

export class QueueBoard {
  readonly #queue: string;
  readonly #lanes = new Map<string, QueueWorkerLane>();
  #last: Omit<QueueBoardUpdate, "workers">;

  constructor(queue: string, redis: string) {
    this.#queue = queue;
    this.#last = { queue, redis, error: null, counts: null, jobsPerSecond: 0, findings: [] };
  }

  /** One look at the queue: every lane moves on by one. */
  record(status: QueueStatus): void {
    this.#last = {
      queue: this.#queue,
      redis: status.redis,
      error: null,
      counts: status.counts,
      jobsPerSecond: status.jobsPerSecond,
      findings: status.findings,
    };
    const seen = new Set<string>();
    for (const worker of status.workers) {
      seen.add(worker.id);
      const lane = this.#lane(
        worker.id,
        `${worker.host} pid ${worker.pid} · ${worker.executor} ×${worker.concurrency}`,
      );
      Object.assign(lane, {
        live: true,
        running: worker.running,
        concurrency: worker.concurrency,
        finishedLastMinute: worker.finishedLastMinute,
      });
      lane.busy.push(worker.concurrency > 0 ? Math.min(1, worker.running / worker.concurrency) : 0);
    }
    for (const lane of this.#lanes.values()) {
      if (seen.has(lane.id)) continue;
      lane.live = false;
      lane.running = 0;
      lane.busy.push(null);
    }
    for (const [id, lane] of this.#lanes) {
      if (lane.busy.length > HISTORY) lane.busy.shift();
      // Silent for the whole history: gone from the page, so that workers that come and go
      // (restarts, autoscaling) do not pile up lanes.
      if (!lane.live && lane.busy.every((share) => share === null)) this.#lanes.delete(id);
    }
  }

  /** A look that failed: the page says why, and keeps the rest. */
  failed(message: string): void {
    this.#last = { ...this.#last, error: message };
  }

  snapshot(): QueueBoardUpdate {
    return {
      ...this.#last,
      workers: [...this.#lanes.values()].map((lane) => ({ ...lane, busy: [...lane.busy] })),
    };
  }

  #lane(id: string, name: string): QueueWorkerLane {
    let lane = this.#lanes.get(id);
    if (!lane) {
      // A worker first seen now has no past: its history starts empty at the right end.
      const length = Math.max(0, ...[...this.#lanes.values()].map((other) => other.busy.length));
      lane = {
        id,
        name,
        live: true,
        running: 0,
        concurrency: 0,
        finishedLastMinute: 0,
        busy: Array(length).fill(null),
      };
      this.#lanes.set(id, lane);
    }
    return lane;
  }
}
