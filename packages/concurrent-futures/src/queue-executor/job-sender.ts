// Sending calls to Redis as jobs: every call admitted in the same synchronous run goes out in
// one addBulk (one job alone as a plain add: addBulk's MULTI costs a round trip's worth).
// Custom job ids make a send repeated after a reconnection harmless, and so a send that failed
// for a passing reason (a cluster failing over or moving a slot) is repeated, within a bound.
import type { Queue } from "bullmq";
import type { RedisClient } from "./redis-target.ts";
import type { Call, CallTable } from "./call-table.ts";
import type { JobSigner } from "./job-signature.ts";
import { recordCallJobs } from "./call-jobs.ts";
import { isOutOfMemory, isPassing, replyPrefix } from "./redis-errors.ts";
import { withdrawWaiting } from "./withdraw-script.ts";
import type { JobData } from "./payload.ts";

/** Milliseconds between repeats of a send that failed for a passing reason. */
const RESEND_MS = 250;

export interface JobSenderOptions {
  queue: Queue;
  /** The connection the queue uses, for taking back what a failed send left. */
  redis: RedisClient;
  table: CallTable;
  /** With a key: every job is signed with it. */
  signer: JobSigner | undefined;
  /** A promise that sends wait for until the executor is connected and listening (again, after a quiet spell); else undefined. */
  ready(): Promise<void> | undefined;
  /** False while Redis is down or the executor broken: a reconnection sends again. */
  canSend(): boolean;
  /** True while Redis is down: a failed send is then retried, not failed. */
  isDown(): boolean;
  /** Now in Redis's clock (ms): jobs are stamped with it, as workers compare it with Redis's. */
  redisNow(): number;
  /** Milliseconds an unread result stays: BullMQ removes older finished jobs when later ones finish. */
  resultRetention: number;
  /** Milliseconds sends may keep failing for a passing reason before their calls fail (undefined: no end). */
  resendFor: number | undefined;
  /** These calls are in Redis now. */
  sent(batch: readonly Call[]): void;
  /** Redis refused the batch: fail each call. */
  failed(call: Call, error: unknown): void;
}

export class JobSender {
  readonly #options: JobSenderOptions;
  #outbox: Call[] = [];
  #scheduled = false;
  /** When sends began to fail for a passing reason, until one gets through. */
  #failingSince: number | undefined;
  /** BullMQ's removal of finished jobs by age (seconds). */
  readonly #unread: { age: number };

  constructor(options: JobSenderOptions) {
    this.#options = options;
    this.#unread = { age: Math.ceil(options.resultRetention / 1000) };
  }

  /** Send these calls with the next batch. */
  push(calls: Iterable<Call>): void {
    for (const call of calls) this.#outbox.push(call);
    if (this.#outbox.length === 0 || this.#scheduled) return;
    this.#scheduled = true;
    // A microtask: every submit of the same synchronous loop goes out in one addBulk.
    queueMicrotask(() => void this.#flush());
  }

  /**
   * A call that failed will be retried: name its next job, and record that name for attach()
   * now, before the failed job is removed, and while its backoff lasts.
   */
  nameRetry(call: Call): void {
    this.#options.table.nameRetry(call);
    this.#record([call]);
  }

  /** Forget what waits to be sent (the executor broke). */
  clear(): void {
    this.#outbox = [];
  }

  async #flush(): Promise<void> {
    const starting = this.#options.ready();
    if (starting) await starting;
    this.#scheduled = false;
    const { table, queue } = this.#options;
    const batch = this.#outbox.filter((call) => table.current(call));
    this.#outbox = [];
    if (batch.length === 0 || !this.#options.canSend()) return; // resent on reconnect
    // The ids sent: an outcome read before the reply may have given a call a new job (a
    // retry, at-least-once's resend), which this reply must not mark sent.
    const ids = batch.map((call) => call.jobId);
    // A resend's new job is recorded as it goes (a retry's was when it was named).
    const resent = batch.filter((call) => call.resent);
    if (resent.length > 0) this.#record(resent);
    try {
      if (batch.length === 1) {
        const { name, data, opts } = this.#jobOf(batch[0]!);
        await queue.add(name, data, opts);
      } else await queue.addBulk(batch.map((call) => this.#jobOf(call)));
      const now = performance.now();
      batch.forEach((call, i) => {
        if (table.current(call, ids[i])) call.sentAt ??= now;
      });
      this.#failingSince = undefined;
      this.#options.sent(batch);
    } catch (error) {
      if (this.#options.isDown()) return; // the reconnection sends them again
      if (isPassing(error) && this.#resendLater(batch, replyPrefix(error) === "NOSCRIPT")) return;
      await this.#takeBack(batch, error);
    }
  }

  /**
   * Send the batch again soon, unless sends have been failing for longer than allowed. With
   * `loadScript`, one call goes alone first: ioredis then loads BullMQ's script on the node.
   */
  #resendLater(batch: Call[], loadScript: boolean): boolean {
    const now = performance.now();
    this.#failingSince ??= now;
    const limit = this.#options.resendFor;
    if (limit !== undefined && now - this.#failingSince > limit) {
      this.#failingSince = undefined; // given up: a later failure starts its own count
      return false;
    }
    if (loadScript && batch.length > 1) {
      this.push(batch.slice(0, 1));
      setTimeout(() => this.push(batch.slice(1)), RESEND_MS);
    } else setTimeout(() => this.push(batch), RESEND_MS);
    return true;
  }

  /**
   * Redis refused part of a batch (full: maxmemory): jobs that got in would keep it full and
   * run for futures that fail. Take back those no worker took; the others run on.
   */
  async #takeBack(batch: Call[], error: unknown): Promise<void> {
    const { queue, table, redis } = this.#options;
    const ids = batch.map((call) => call.jobId);
    const states = await withdrawWaiting(redis, queue.toKey(""), ids).catch(() => undefined);
    const reason = isOutOfMemory(error)
      ? new Error(`Redis is full (maxmemory): the job was not sent; nothing of it was left in Redis`, {
          cause: error,
        })
      : isPassing(error)
        ? new Error(
            `Redis did not take the job for ${this.#options.resendFor! / 1000} s: ${(error as Error).message}`,
            {
              cause: error,
            },
          )
        : error;
    batch.forEach((call, i) => {
      if (!table.current(call, ids[i])) return;
      if (states?.[i] === "taken") call.sentAt ??= performance.now();
      else this.#options.failed(call, reason);
    });
  }

  /** Record the job of now of calls sent under a new id (call-jobs.ts). */
  #record(calls: readonly Call[]): void {
    // Kept twice as long as an unread result, whose time starts only once the job finished.
    const { redis, queue, resultRetention } = this.#options;
    recordCallJobs(redis, queue.toKey(""), calls, 2 * resultRetention);
  }

  /** The job of a call, signed when there is a key (under its id of now: a resent call's is new). */
  #jobOf(call: Call) {
    const data: JobData = { t: call.address, a: call.args, c: call.chunk ? 1 : 0 };
    const signer = this.#options.signer;
    if (signer) data.s = signer.sign(call.jobId, data);
    return {
      name: call.address.e,
      data,
      // Results stay until the producer has read them, so a lost event can be reconciled and
      // another producer can attach to them; unread ones go after resultRetention.
      opts: {
        jobId: call.jobId,
        timestamp: this.#options.redisNow(),
        removeOnComplete: this.#unread,
        removeOnFail: this.#unread,
        attempts: 1,
        ...(call.priority > 0 && { priority: call.priority }),
      },
    };
  }
}
