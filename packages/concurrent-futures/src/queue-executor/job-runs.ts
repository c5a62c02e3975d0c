// The jobs a QueueWorker holds, from BullMQ's handing one over to its answer: the task
// looked up by address (never imported on a job's word), the arguments decoded within their
// bounds, the call made on the local executor, and how an abort or a stop ends it.
import { WaitingError, type Job } from "bullmq";
import { signalTaker } from "../abortable.ts";
import type { Future } from "../future.ts";
import type { AnyFunction } from "../task.ts";
import type { LocalExecutor } from "./local-executor.ts";
import { UntrustedJobError } from "./errors.ts";
import type { JobSigner } from "./job-signature.ts";
import { checkJobData, decode, encodeOutcome, type JobData } from "./payload.ts";
import type { RunnerMark } from "./run-report.ts";
import type { TaskDirectory } from "./task-address.ts";

/** A job this worker holds, and how to end it. */
interface ActiveJob {
  job: Job<JobData>;
  token: string | undefined;
  /** Its call on the local executor, once submitted. */
  future: Future<unknown> | undefined;
  controller: AbortController | undefined;
  /** Why it was asked to end, if it was. */
  abortReason: string | undefined;
  /** Cancelled before it started and moved back to the queue. */
  handedBack: boolean;
  /** performance.now() when BullMQ handed it over. */
  takenAt: number;
}

export interface JobRunsOptions {
  tasks: TaskDirectory;
  local: LocalExecutor;
  maxPayloadBytes: number;
  /** With a key: only jobs signed with it run. */
  signer: JobSigner | undefined;
  /** Who this worker is, for the report in each outcome (run-report.ts). */
  runner(): RunnerMark;
  /** Why this job must not run (rollback-guard.ts); undefined if it may. */
  refusal(job: Job<JobData>): Promise<string | undefined>;
  /** A job answered: ok when its task gave a result; else why it failed or was ended. */
  answered(jobId: string, ok: boolean, error: unknown): void;
  warning(message: string): void;
}

export class JobRuns {
  readonly #options: JobRunsOptions;
  readonly #jobs = new Map<string, ActiveJob>();
  #handingBack = false;

  constructor(options: JobRunsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** BullMQ's processor: run one job and give its encoded outcome. */
  async process(job: Job<JobData>, token: string | undefined, stopping: string): Promise<string> {
    const active: ActiveJob = {
      job,
      token,
      future: undefined,
      controller: undefined,
      abortReason: undefined,
      handedBack: false,
      takenAt: performance.now(),
    };
    const jobId = job.id!;
    this.#jobs.set(jobId, active);
    try {
      if (this.#handingBack) this.abort(jobId, stopping);
      return await this.#run(active);
    } finally {
      if (this.#jobs.get(jobId) === active) this.#jobs.delete(jobId);
    }
  }

  /**
   * End a job: one not started here yet is cancelled (and handed back to the queue while the
   * worker is stopping); a running one has its task's signal aborted, where it has one.
   */
  abort(jobId: string, reason: string): void {
    const active = this.#jobs.get(jobId);
    if (!active || active.abortReason !== undefined) return;
    active.abortReason = reason;
    this.#end(active);
  }

  /** Stopping: hand back every job not started, end the running ones, and the same for later ones. */
  handBackAll(reason: string): void {
    this.#handingBack = true;
    for (const jobId of [...this.#jobs.keys()]) this.abort(jobId, reason);
  }

  get handingBack(): boolean {
    return this.#handingBack;
  }

  /** Carry out an abort asked for: called again once the job's call exists. */
  #end(active: ActiveJob): void {
    if (active.future?.cancel()) {
      if (this.#handingBack && active.token) {
        active.handedBack = true;
        void active.job
          .moveToWait(active.token)
          .catch((error: Error) =>
            this.#options.warning(
              `could not hand job ${active.job.id} back to the queue (${error.message}); it fails as stalled`,
            ),
          );
      }
    } else active.controller?.abort(active.abortReason);
  }

  /** A job's outcome for its producer. */
  #answer(active: ActiveJob, ok: boolean, value: unknown): string {
    this.#options.answered(active.job.id!, ok, ok ? undefined : value);
    // In microseconds' precision: a double's shortest text is shorter and quicker to write.
    const r = Math.round((performance.now() - active.takenAt) * 1000) / 1000;
    // Written out: a spread followed by a new key took V8 about 1.7 us per job.
    const { w, h, p, c } = this.#options.runner();
    const report = { w, h, p, c, r };
    return encodeOutcome(ok, value, this.#options.maxPayloadBytes, report);
  }

  async #run(active: ActiveJob): Promise<string> {
    const { data } = active.job;
    const { local } = this.#options;
    const executor = local.current;
    // The rollback check is a Redis round trip: the job is checked and decoded meanwhile.
    const refusal = this.#options.refusal(active.job);
    let call: { fn: AnyFunction; args: unknown[] } | { invalid: unknown };
    try {
      call = this.#callOf(active.job);
    } catch (invalid) {
      call = { invalid };
    }
    try {
      const refused = await refusal;
      if (refused) throw new Error(refused);
    } catch (error) {
      return this.#answer(active, false, error);
    }
    if ("invalid" in call) return this.#answer(active, false, call.invalid);
    const { fn, args } = call;
    if (data.c === 1) {
      // A chunk from map(): its items in one call to the local executor, results in order.
      try {
        const results: unknown[] = [];
        for await (const value of executor.map(fn, args, { chunksize: args.length })) results.push(value);
        return this.#answer(active, true, results);
      } catch (error) {
        local.renewIfBroken(executor, error);
        return this.#answer(active, false, error);
      }
    }
    // A signal only where an abort can reach a running task: a pool's worker can be ended, an
    // abortable() task can listen. Elsewhere cancel() is all an abort can do, and a signal per
    // job would cost more CPU than a small task.
    if (local.kind !== "async" || signalTaker(fn)) active.controller = new AbortController();
    const { executor: runner, future } = local.submit(active.controller?.signal, fn, args);
    active.future = future;
    if (active.abortReason !== undefined) this.#end(active);
    try {
      return this.#answer(active, true, await future.result());
    } catch (error) {
      local.renewIfBroken(runner, error);
      if (active.handedBack) throw new WaitingError();
      if (active.abortReason !== undefined)
        return this.#answer(active, false, abortError(active.abortReason));
      return this.#answer(active, false, error);
    }
  }
  /** The task and arguments a job asks for, checked (signature first) before anything is decoded. */
  #callOf(job: Job<JobData>): { fn: AnyFunction; args: unknown[] } {
    const { data } = job;
    checkJobData(data);
    if (this.#options.signer && !this.#options.signer.verify(job.id!, data)) {
      throw new UntrustedJobError(
        `job ${job.id} is not signed with this worker's key: refused without running or decoding it`,
      );
    }
    const fn = this.#options.tasks.resolve(data.t);
    const args = decode(data.a, "the job's arguments", this.#options.maxPayloadBytes);
    if (!Array.isArray(args)) throw new TypeError("the job's arguments are not a list");
    return { fn, args };
  }
}

function abortError(reason: string): Error {
  return new DOMException(reason, "AbortError");
}
