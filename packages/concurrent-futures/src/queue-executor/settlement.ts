// How a call's outcome, arriving by event or read by the reconciler, settles its future:
// only while the call is still outstanding under that job id; a result decoded with its
// bounds; a lost worker's job failed with WorkerLostError, or sent once more (at-least-once);
// a failure offered for a retry first (call-retries.ts), which may take the call over.
import { resendJobId } from "./call-jobs.ts";
import type { Call, CallTable } from "./call-table.ts";
import { BrokenQueueExecutor, WorkerLostError } from "./errors.ts";
import { STALLED } from "./job-states.ts";
import { readOutcome, type ReadOutcome } from "./payload.ts";
import type { ReconcileOutcomes } from "./reconciler.ts";
import type { ResultRemoval } from "./result-removal.ts";
import type { RunReport } from "./run-report.ts";
import type { StoppedCalls } from "./stopped-calls.ts";
import { describeAddress } from "./task-address.ts";

export interface SettlementOptions {
  table: CallTable;
  delivery: "at-most-once" | "at-least-once";
  /** A result above this is refused before it is decoded. */
  maxPayloadBytes: number;
  removal: ResultRemoval;
  stopped: StoppedCalls;
  /** Send this call's job (again, under its new id). */
  send(call: Call): void;
  /** A failed attempt: true when the call will be tried again, so its future stays unsettled. */
  retry(call: Call, error: unknown): boolean;
  /** A call settled: the window has room. */
  settled(): void;
}

export class Settlement implements ReconcileOutcomes {
  readonly #options: SettlementOptions;

  constructor(options: SettlementOptions) {
    this.#options = options;
  }

  /** A completion event: settles the call whose job has this id, if any. */
  completedJob(jobId: string, returnvalue: unknown): void {
    const call = this.#options.table.byJobId(jobId);
    if (call) this.completed(call, returnvalue);
  }

  failedJob(jobId: string, reason: string): void {
    const call = this.#options.table.byJobId(jobId);
    if (call) this.failed(call, reason);
  }

  completed(call: Call, returnvalue: unknown): void {
    // Its outcome proves the job is in Redis, even when it came before addBulk's reply: mark it
    // sent, so that its result is removed like any other.
    call.sentAt ??= performance.now();
    let outcome: ReadOutcome;
    try {
      outcome = readOutcome(String(returnvalue), this.#options.maxPayloadBytes);
    } catch (error) {
      outcome = {
        ok: false,
        value: new TypeError(`the job's result could not be read: ${(error as Error).message}`),
        report: undefined,
      };
    }
    this.settle(call, outcome.ok, outcome.value, outcome.report);
  }

  failed(call: Call, reason: string): void {
    call.sentAt ??= performance.now(); // as in completed(): the job is in Redis
    const lost = reason === STALLED;
    if (lost && this.#options.delivery === "at-least-once" && !call.resent && !call.stopped) {
      // Sent again under a new id: the old job may still finish, and must not settle this one.
      this.#options.removal.add(this.#options.table.renew(call, resendJobId(call.jobId)));
      call.resent = true;
      this.#options.send(call);
      return;
    }
    const error = lost
      ? new WorkerLostError(
          `the worker running ${describeAddress(call.address)} stopped renewing its lock (killed, crashed or frozen); ` +
            (call.resent
              ? `it was the second run of the task, and at-least-once sends a job again only once`
              : `the task may have run in part and was not run again (at-most-once)`),
        )
      : new Error(reason);
    this.settle(call, false, error);
  }

  vanished(call: Call): void {
    this.settle(
      call,
      false,
      new BrokenQueueExecutor(
        `the job of ${describeAddress(call.address)} was removed from Redis by someone else`,
      ),
    );
  }

  settle(call: Call, ok: boolean, value: unknown, report?: RunReport): void {
    const { table, removal, stopped } = this.#options;
    if (!table.current(call)) return;
    if (report) table.ranOn(call, report);
    table.remove(call);
    stopped.forget(call);
    if (call.sentAt !== undefined) removal.add(call.jobId);
    // A failure is its outcome unless the call is tried again later, as a new job; either way
    // its place in the window is free now.
    if (ok) call.future.setResult(value);
    else if (!this.#options.retry(call, value)) call.future.setException(value);
    this.#options.settled();
  }
}
