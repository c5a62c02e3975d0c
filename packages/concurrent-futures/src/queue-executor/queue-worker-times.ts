// The workers that ran a QueueExecutor's calls, as their outcomes report them (run-report.ts):
// for stats() and trace events, each worker is one WorkerInfo object, numbered in the order this
// executor first heard from it, with the time it spent on this executor's calls against the time
// since the first of them started. A worker serving other producers too shows only its share.
import { workerStats, type WorkerStats } from "../call-stats.ts";
import type { WorkerInfo } from "../trace-events.ts";
import type { RunReport } from "./run-report.ts";

/** Workers followed at most: reports are a worker's word, and ids past these are not kept. */
const MAX_WORKERS = 1024;

interface QueueWorkerTime {
  info: WorkerInfo;
  concurrency: number;
  firstStartedAt: number;
  busyMs: number;
}

export class QueueWorkerTimes {
  readonly #workers = new Map<string, QueueWorkerTime>();

  /**
   * A call that started at `startedAt` (performance.now()) and ran `runMs` on the worker of
   * `report`: its WorkerInfo, or undefined past MAX_WORKERS workers.
   */
  ran(report: RunReport, startedAt: number, runMs: number): WorkerInfo | undefined {
    let worker = this.#workers.get(report.w);
    if (!worker) {
      if (this.#workers.size >= MAX_WORKERS) return undefined;
      const info = Object.freeze({
        kind: "queue",
        index: this.#workers.size,
        pid: report.p,
        host: report.h,
        id: report.w,
      } as const);
      worker = { info, concurrency: report.c, firstStartedAt: startedAt, busyMs: 0 };
      this.#workers.set(report.w, worker);
    }
    worker.busyMs += runMs;
    worker.firstStartedAt = Math.min(worker.firstStartedAt, startedAt);
    return worker.info;
  }

  stats(now: number): WorkerStats[] {
    return Array.from(this.#workers.values(), (worker) =>
      workerStats(worker.info, worker.busyMs, now - worker.firstStartedAt, worker.concurrency),
    );
  }
}
