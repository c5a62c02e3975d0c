// attach(): futures for calls that another executor submitted (often in a process that has
// since ended), found by their ids in Redis. Each call's job is read once, checked as a worker
// checks a job (shape, signature, size) and then followed like a call of this executor: its
// outcome by event or by the reconciler, its result removed once read, its lost worker handled
// as the executor's delivery says.
import type { ExecutorLifecycle } from "../executor-lifecycle.ts";
import { shown } from "../validate.ts";
import type { CallDefaults } from "./call-options.ts";
import type { Call, CallTable } from "./call-table.ts";
import { isCallId, jobOfCall, readCallJobs, type CallJob } from "./call-jobs.ts";
import type { CompletionEvents } from "./completion-events.ts";
import { CallNotFoundError, QueueUnavailableError, UntrustedJobError } from "./errors.ts";
import type { QueueSettings } from "./executor-options.ts";
import { JobSigner } from "./job-signature.ts";
import { checkJobData, type JobData } from "./payload.ts";
import { nameCall, QueueFuture } from "./queue-future.ts";
import type { QueueConnection } from "./queue-connection.ts";
import type { RedisLink } from "./redis-link.ts";

/** Calls read from Redis per round trip. */
const BATCH = 1000;

export interface CallAttachmentOptions {
  lifecycle: ExecutorLifecycle;
  table: CallTable;
  /** The call of this id that the executor follows, if any, wherever it is. */
  own(id: string): Call | undefined;
  /** Resolves once the executor can read Redis; rejects if it broke first. */
  ready(): Promise<void>;
  /** Calls were adopted, or attachments ended: read their states soon, and see if idle. */
  adopted(): void;
}

export class CallAttachment {
  readonly #options: CallAttachmentOptions;
  readonly #link: RedisLink;
  /** The queue's key prefix for jobs, such as "bull:NAME:". */
  readonly #jobPrefix: string;
  readonly #signer: JobSigner | undefined;
  /** Woken for adopted calls: a quiet executor reads no events (completion-events.ts). */
  readonly #events: CompletionEvents;
  readonly #maxPayloadBytes: number;
  /** Retries of an attached call: the executor's defaults (the submitter's options are not in Redis). */
  readonly #defaults: CallDefaults;
  /** Attached futures not yet followed in the call table: the executor is not idle. */
  #pending = 0;
  /** terminateWorkers() or a break: what the futures not followed yet fail with. */
  #stopped: (() => Error) | undefined;

  constructor(settings: QueueSettings, conn: QueueConnection, options: CallAttachmentOptions) {
    this.#options = options;
    this.#link = conn.link;
    this.#jobPrefix = conn.jobPrefix;
    this.#events = conn.events;
    this.#signer = settings.key && new JobSigner(settings.key);
    this.#maxPayloadBytes = settings.maxPayloadBytes;
    this.#defaults = settings.calls;
  }

  get pending(): number {
    return this.#pending;
  }

  /** The executor stopped following calls: those still being read fail with `error()`. */
  stop(error: () => Error): void {
    this.#stopped = error;
  }

  /** A running future per id, in order (one future for an id given twice, or followed here already). */
  attach(ids: Iterable<string>): QueueFuture<any>[] {
    const { lifecycle } = this.#options;
    const link = this.#link;
    if (typeof ids !== "object" || ids === null || !(Symbol.iterator in ids)) {
      throw new TypeError(`attach needs an iterable of call ids (QueueFuture#id), got ${shown(ids)}`);
    }
    const list = [...ids];
    for (const id of list) {
      if (!isCallId(id)) throw new TypeError(`not the id of a QueueExecutor call: ${shown(id)}`);
    }
    lifecycle.refuse();
    if (!link.reachable) throw new QueueUnavailableError(`Redis at ${link.where} is unreachable`);
    const futures = new Map<string, QueueFuture<any>>();
    const unknown: [string, QueueFuture<any>][] = [];
    for (const id of list) {
      if (futures.has(id)) continue;
      const mine = this.#options.own(id)?.future;
      if (mine instanceof QueueFuture) {
        futures.set(id, mine);
        continue;
      }
      const future = new QueueFuture<any>();
      nameCall(future, id);
      future.setRunningOrNotifyCancel();
      futures.set(id, future);
      unknown.push([id, future]);
    }
    if (unknown.length > 0) {
      this.#pending += unknown.length;
      void this.#follow(unknown);
    }
    return list.map((id) => futures.get(id)!);
  }

  async #follow(calls: [string, QueueFuture<any>][]): Promise<void> {
    const lifecycle = this.#options.lifecycle;
    // The data of a job: base64 arguments (4 characters per 3 bytes), the task's address, a signature.
    const maxChars = Math.ceil((this.#maxPayloadBytes * 4) / 3) + 8192;
    try {
      await this.#options.ready();
    } catch (error) {
      for (const [, future] of calls) future.setException(error);
      return this.#done(calls.length);
    }
    for (let start = 0; start < calls.length; start += BATCH) {
      const batch = calls.slice(start, start + BATCH);
      let jobs: CallJob[] | undefined;
      let failure: unknown;
      try {
        jobs = await readCallJobs(
          this.#link.redis,
          this.#jobPrefix,
          batch.map(([id]) => id),
          maxChars,
        );
      } catch (error) {
        failure = new QueueUnavailableError(`the calls could not be read from Redis: ${String(error)}`, {
          cause: error,
        });
      }
      batch.forEach(([id, future], i) => {
        if (this.#stopped) future.setException(this.#stopped());
        else if (lifecycle.isBroken) future.setException(lifecycle.brokenError());
        else if (!jobs) future.setException(failure);
        else this.#adopt(id, future, jobs[i]!);
      });
      this.#done(batch.length);
    }
  }

  #adopt(id: string, future: QueueFuture<any>, job: CallJob): void {
    const table = this.#options.table;
    const signer = this.#signer;
    try {
      if (job.data === undefined) {
        if (job.size > 0) {
          throw new RangeError(
            `the job of call ${id} is ${job.size} characters, above the executor's maxPayloadBytes: refused before reading it`,
          );
        }
        throw new CallNotFoundError(
          job.jobId === id
            ? `no call ${id} in Redis: its result was read already, or was not read within resultRetention and was removed, or its producer ended before sending it`
            : `call ${id} is between attempts: its job ${job.jobId} is not in Redis (its producer waits out a backoff, or ended first, or its result was read or expired); attach again later`,
        );
      }
      const data = JSON.parse(job.data) as JobData;
      checkJobData(data);
      if (signer && !signer.verify(job.jobId, data)) {
        throw new UntrustedJobError(
          `the job of call ${id} is not signed with this executor's key: not followed`,
        );
      }
      if (data.c !== 0) throw new TypeError(`${id} is a chunk of a map(), which cannot be attached`);
      const other = table.byJobId(job.jobId);
      if (other) {
        // Submitted or attached here meanwhile: one outcome for both.
        other.future.result().then(
          (value) => future.setResult(value),
          (error: unknown) => future.setException(error),
        );
        return;
      }
      const { attempt, resent } = jobOfCall(job.jobId);
      table.adopt({
        id,
        jobId: job.jobId,
        future,
        address: data.t,
        args: data.a,
        chunk: false,
        signal: undefined,
        priority: 0,
        retry: this.#defaults.retry,
        // As its job's id says: a retry from here must not reuse the id of an attempt made.
        attempts: attempt,
        resent,
      });
    } catch (error) {
      future.setException(
        error instanceof SyntaxError ? new TypeError(`the job of call ${id} is not JSON: refused`) : error,
      );
    }
  }

  #done(count: number): void {
    this.#pending -= count;
    void this.#events.awake();
    this.#options.adopted();
  }
}
