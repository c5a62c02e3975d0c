// Every executor's counts and times of its calls, always on, and its tracing events: the
// executor hands each future and its record of the call to submit(); from then on the future
// tells this object of each change of state (future-observer.ts), whatever path led there (a
// worker's answer, a cancel, a broken pool, terminateWorkers()). Times go into two histograms
// of fixed size (histogram.ts); events are built only for channels with subscribers.
//
// Timing costs no field per call: an executor that knows a call's times hands them over with
// times() just before it settles the future, and the outcome takes them (the local executors);
// one that knows nothing more than its futures do gives its calls' records to be stamped
// (timesOf: the queue, whose calls are few and large).
import { kObserve, type FutureObserver } from "./future-observer.ts";
import type { Future } from "./future.ts";
import { LogHistogram, type Percentiles } from "./histogram.ts";
import {
  cancelChannel,
  endChannel,
  failureChannel,
  startChannel,
  submitChannel,
  type CallEvent,
  type ExecutorInfo,
  type ExecutorKind,
  type WorkerInfo,
} from "./trace-events.ts";

/** What an executor keeps of each call for its stats and events. */
export interface CallRecord {
  /** Unique in its executor (a queue's call id is its first job's id). */
  readonly id: number | string;
}

/** A call's times as its future sees them, performance.now() milliseconds (NaN: not yet). */
export interface FutureTimes {
  submittedAt: number;
  startedAt: number;
}

/** One worker's share of time spent on calls. */
export interface WorkerStats extends WorkerInfo {
  /** Milliseconds spent running calls. */
  busyMs: number;
  /** Milliseconds since it started (a thread or process) or first took a call (an async slot). */
  aliveMs: number;
  /** busyMs / aliveMs, divided by the calls it may run at once (concurrentCallsPerWorker). */
  utilization: number;
}

/** What executor.stats() returns: a snapshot, a plain object. */
export interface ExecutorStats {
  executor: ExecutorInfo;
  /** Every call submitted (a map() chunk sent to a pool counts as one call). */
  submitted: number;
  /** Queued, or sent ahead to a worker and not known to have started. */
  waiting: number;
  running: number;
  /** Succeeded. */
  done: number;
  /** Raised, or failed by the executor (a broken pool, terminated workers). */
  failed: number;
  cancelled: number;
  /** From submit to start (see the README for what start means on each executor). */
  waitMs: Percentiles;
  /** From start to end, of the calls that ended after they started. */
  runMs: Percentiles;
  workers: WorkerStats[];
}

/** How an executor names a call's task and the worker that runs it, asked only for events. */
export interface CallDescriber<C> {
  taskName(call: C): string;
  worker(call: C): WorkerInfo | undefined;
  /** For an executor that never calls times(): where to stamp each call's start. */
  timesOf?(call: C): FutureTimes;
}

let nextExecutorId = 1;

export class CallStats<C extends CallRecord> implements FutureObserver<C> {
  readonly executor: ExecutorInfo;
  readonly #describe: CallDescriber<C>;
  #submitted = 0;
  #running = 0;
  #done = 0;
  #failed = 0;
  #cancelled = 0;
  readonly #wait = new LogHistogram();
  readonly #run = new LogHistogram();
  /** The times of the outcome about to be set (times()); NaN when none were given. */
  #startedAt = NaN;
  #runMs = NaN;
  #waitMs = NaN;

  constructor(kind: ExecutorKind, describe: CallDescriber<C>) {
    this.executor = Object.freeze({ id: nextExecutorId++, kind });
    this.#describe = describe;
  }

  /** A call was submitted with `future`: follow it. */
  submit(future: Future<any>, call: C): void {
    this.#submitted++;
    future[kObserve](this, call);
    if (submitChannel.hasSubscribers) submitChannel.publish(this.#event(call, performance.now()));
  }

  /** A call waited `ms` from submit to start (AsyncExecutor tells at the start). */
  waited(ms: number): void {
    this.#wait.record(ms);
  }

  /**
   * The times of the outcome the executor sets next, at once: started at `startedAt`, ran
   * `runMs`, and waited `waitMs` (NaN: told already with waited()).
   */
  times(startedAt: number, runMs: number, waitMs: number): void {
    this.#startedAt = startedAt;
    this.#runMs = runMs;
    this.#waitMs = waitMs;
  }

  started(call: C): void {
    this.#running++;
    const times = this.#describe.timesOf?.(call);
    if (times) times.startedAt = performance.now();
    if (startChannel.hasSubscribers)
      this.#publishStart(call, times ? times.startedAt : performance.now(), false);
  }

  finished(call: C, failed: boolean, error: unknown, wasRunning: boolean): void {
    if (wasRunning) this.#running--;
    if (failed) this.#failed++;
    else this.#done++;
    let start = this.#startedAt;
    let run = this.#runMs;
    let wait = this.#waitMs;
    this.#startedAt = this.#runMs = this.#waitMs = NaN;
    const times = this.#describe.timesOf?.(call);
    if (times && !Number.isNaN(times.startedAt)) {
      start = times.startedAt;
      run = performance.now() - start;
      wait = start - times.submittedAt;
    }
    if (!Number.isNaN(run)) this.#run.record(run);
    if (!Number.isNaN(wait)) this.#wait.record(wait);
    // A pool's call answered with the one before it was never marked running: its start is known now.
    if (!wasRunning && !Number.isNaN(start) && startChannel.hasSubscribers)
      this.#publishStart(call, start, true);
    const channel = failed ? failureChannel : endChannel;
    if (!channel.hasSubscribers) return;
    const { executor } = this;
    const time = Number.isNaN(run) ? performance.now() : start + run;
    const task = this.#describe.taskName(call);
    const worker = this.#describe.worker(call);
    // One literal of one shape per kind, not a spread copy of another object.
    if (failed) channel.publish({ executor, call: call.id, task, time, error, runMs: run, worker });
    else channel.publish({ executor, call: call.id, task, time, runMs: run, worker });
  }

  cancelled(call: C, wasRunning: boolean): void {
    if (wasRunning) this.#running--;
    this.#cancelled++;
    if (cancelChannel.hasSubscribers)
      cancelChannel.publish({ ...this.#event(call, performance.now()), wasRunning }); // rare
  }

  pendingAgain(call: C): void {
    this.#running--;
    const times = this.#describe.timesOf?.(call);
    if (times) times.startedAt = NaN;
  }

  /** The counts and times so far, with `workers` as the executor sees them now. */
  snapshot(workers: WorkerStats[]): ExecutorStats {
    const settled = this.#running + this.#done + this.#failed + this.#cancelled;
    return {
      executor: this.executor,
      submitted: this.#submitted,
      waiting: this.#submitted - settled,
      running: this.#running,
      done: this.#done,
      failed: this.#failed,
      cancelled: this.#cancelled,
      waitMs: this.#wait.summary(),
      runMs: this.#run.summary(),
      workers,
    };
  }

  #publishStart(call: C, time: number, inferred: boolean): void {
    const worker = this.#describe.worker(call);
    const { executor } = this;
    startChannel.publish({
      executor,
      call: call.id,
      task: this.#describe.taskName(call),
      time,
      worker,
      inferred,
    });
  }

  #event(call: C, time: number): CallEvent {
    return { executor: this.executor, call: call.id, task: this.#describe.taskName(call), time };
  }
}

/** A worker's stats from its busy and alive times; `callsAtOnce` calls may run on it at once. */
export function workerStats(info: WorkerInfo, busyMs: number, aliveMs: number, callsAtOnce = 1): WorkerStats {
  const utilization = aliveMs > 0 ? Math.min(1, busyMs / aliveMs / callsAtOnce) : 0;
  return { ...info, busyMs, aliveMs, utilization };
}
