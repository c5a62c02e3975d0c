// The one place that knows where each call of a QueueExecutor is: held here (pending,
// cancellable) until the window of jobs in Redis has room, then outstanding in Redis under
// its job id until it settles. A call can be sent again under a new id, so "is this still
// that call's job?" (current()) guards every outcome that arrives by id. A call retried after a
// failure is held again, under a new job id.
import { CallStats, type CallRecord, type ExecutorStats, type FutureTimes } from "../call-stats.ts";
import type { WorkerInfo } from "../trace-events.ts";
import { callIdPrefix, retryJobId } from "./call-jobs.ts";
import type { Future } from "../future.ts";
import { HeldCalls } from "./held-calls.ts";
import { countAttempt, nameCall } from "./queue-future.ts";
import { QueueWorkerTimes } from "./queue-worker-times.ts";
import type { RetryPolicy } from "./retry-policy.ts";
import type { RunReport } from "./run-report.ts";
import type { TaskAddress } from "./task-address.ts";

/**
 * A call of the executor, from submit to its outcome. Its times (TimedCall) are the
 * producer's: held from submit until admitted to Redis's window, then running until its outcome.
 */
export interface Call extends CallRecord, FutureTimes {
  /** The call's id: its first job's id, kept across retries and resends (QueueFuture#id). */
  id: string;
  /** The id of its job of now. */
  jobId: string;
  future: Future<any>;
  address: TaskAddress;
  /** The arguments, already encoded for the job. */
  args: string;
  /** A chunk of map(): several items in one job. */
  chunk: boolean;
  signal: AbortSignal | undefined;
  /** BullMQ's priority: 1 (first) to 2,097,151; 0 for none (ahead of every prioritized job). */
  priority: number;
  /** When and how often it may be tried again after a failure; undefined: never. */
  retry: RetryPolicy | undefined;
  /** Jobs sent for it so far, one per attempt (0 while held before its first). */
  attempts: number;
  /** Already sent a second time after its worker was lost (at-least-once). */
  resent: boolean;
  /** performance.now() when it was handed to Redis; undefined until the send succeeded. */
  sentAt: number | undefined;
  /** Its caller gave up on it: its job is withdrawn if no worker took it, else its worker is asked to end it. */
  stopped: boolean;
  /** The worker that ran its job, once its outcome said (ranOn()). */
  worker: WorkerInfo | undefined;
}

export class CallTable {
  /** Job ids are unique per executor: fx-<random>-<sequence>. */
  readonly #idPrefix = callIdPrefix();
  #seq = 0;
  readonly #held = new HeldCalls<Call>();
  readonly #remote = new Map<string, Call>();
  /** Counts and times of the calls held here (attached ones are another executor's). */
  readonly stats = new CallStats<Call>("QueueExecutor", {
    taskName: (call) => call.address.e,
    worker: (call) => call.worker,
    timesOf: (call) => call,
  });
  /** The workers that ran its calls, as their outcomes report. */
  readonly #workers = new QueueWorkerTimes();

  /** Calls held here, not yet in Redis. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Calls outstanding in Redis (sent, or being sent). */
  get remoteCount(): number {
    return this.#remote.size;
  }

  isIdle(): boolean {
    return this.#remote.size === 0 && this.heldCount === 0;
  }

  /** A new call, held here until admitted to Redis. */
  hold(
    future: Future<any>,
    address: TaskAddress,
    args: string,
    chunk: boolean,
    signal: AbortSignal | undefined,
    priority = 0,
    retry: RetryPolicy | undefined = undefined,
  ): Call {
    const jobId = `${this.#idPrefix}${++this.#seq}`;
    nameCall(future, jobId);
    const call: Call = {
      id: jobId,
      jobId,
      future,
      address,
      args,
      chunk,
      signal,
      priority,
      retry,
      attempts: 0,
      resent: false,
      sentAt: undefined,
      stopped: false,
      worker: undefined,
      submittedAt: performance.now(),
      startedAt: NaN,
    };
    this.stats.submit(future, call);
    this.#held.push(call);
    return call;
  }

  /** The call of this id, held or in Redis (a scan: for attach(), which is rare). */
  find(id: string): Call | undefined {
    for (const call of this.#remote.values()) if (call.id === id) return call;
    for (const call of this.#held) if (call.id === id) return call;
    return undefined;
  }

  /**
   * Move held calls into Redis's window while it has room, marking each running (a cancelled
   * one is dropped); returns those to send.
   */
  admit(window: number): Call[] {
    const admitted: Call[] = [];
    // A full window is topped up an eighth at a time (or all that is held, if less): one
    // addBulk for many completions, where one per completion cost the producer a MULTI each.
    const room = window - this.#remote.size;
    if (room < Math.min(Math.ceil(window / 8), this.heldCount)) return admitted;
    while (this.#remote.size < window && this.#held.length > 0) {
      const call = this.#held.shift()!;
      if (!call.future.setRunningOrNotifyCancel()) continue;
      call.attempts++;
      countAttempt(call.future);
      this.#remote.set(call.jobId, call);
      admitted.push(call);
    }
    return admitted;
  }

  /**
   * Follow a call another executor sent (attach): outstanding in Redis under `jobId`, read by
   * the next pass of the reconciler. Its future must be running already.
   */
  adopt(call: Omit<Call, "sentAt" | "stopped" | "worker" | "submittedAt" | "startedAt">): Call {
    const adopted: Call = {
      ...call,
      sentAt: 0,
      stopped: false,
      worker: undefined,
      submittedAt: NaN,
      startedAt: NaN,
    };
    for (let n = 0; n < call.attempts; n++) countAttempt(adopted.future);
    this.#remote.set(adopted.jobId, adopted);
    return adopted;
  }

  /**
   * A call that left Redis will be retried: name its next job now (the call's id, "-try" and
   * the attempt's number), so that it can be recorded before the failed job is removed.
   */
  nameRetry(call: Call): void {
    call.jobId = retryJobId(call.id, call.attempts + 1);
    call.sentAt = undefined;
    call.resent = false; // at-least-once's one resend is per job
    call.worker = undefined;
  }

  /**
   * A call's outcome came with its worker's report: it ran there for the last `report.r` ms
   * (never longer than it has been in Redis), which is now its start, for its stats and events.
   * An attached call (no submit time here) is another executor's to time.
   */
  ranOn(call: Call, report: RunReport): void {
    if (Number.isNaN(call.submittedAt)) return;
    const now = performance.now();
    const runMs = Number.isNaN(call.startedAt) ? report.r : Math.min(report.r, now - call.startedAt);
    call.startedAt = now - runMs;
    call.worker = this.#workers.ran(report, call.startedAt, runMs);
  }

  /** stats() of the executor: its calls' counts and times, and the workers that ran them. */
  snapshot(): ExecutorStats {
    return this.stats.snapshot(this.#workers.stats(performance.now()));
  }

  /** Hold a call again, after its backoff: its new job is sent when the window has room. */
  holdAgain(call: Call): void {
    this.#held.push(call);
  }

  /** Take every held call out (to cancel or fail them). */
  drainHeld(): Call[] {
    return this.#held.drain();
  }

  /** The outstanding call whose job has this id. */
  byJobId(jobId: string): Call | undefined {
    return this.#remote.get(jobId);
  }

  /** Whether `call` is still outstanding under `jobId` (default: its current id). */
  current(call: Call, jobId = call.jobId): boolean {
    return this.#remote.get(jobId) === call;
  }

  /** Forget an outstanding call: it settled, or its job was withdrawn. */
  remove(call: Call): void {
    this.#remote.delete(call.jobId);
  }

  /** Give an outstanding call a new job id, to be sent again; returns the old id. */
  renew(call: Call, jobId: string): string {
    const old = call.jobId;
    this.#remote.delete(old);
    call.jobId = jobId;
    call.sentAt = undefined;
    this.#remote.set(jobId, call);
    return old;
  }

  remote(): IterableIterator<Call> {
    return this.#remote.values();
  }

  /** Forget every outstanding call, returning them (the executor broke). */
  clearRemote(): Call[] {
    const calls = [...this.#remote.values()];
    this.#remote.clear();
    return calls;
  }
}
