// QueueWorker: takes a queue's jobs from Redis and runs each job's task on a local executor.
//
// Processes by default: a CPU-bound task then cannot starve BullMQ's lock renewal in this
// process, and an abort can end the child. Stalled jobs are never run again here
// (maxStalledCount 0): at-least-once is the producer's choice, and it sends the job again.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WaitingError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { AsyncExecutor } from "../async-pool.ts";
import { signalTaker } from "../abortable.ts";
import { BrokenExecutor } from "../errors.ts";
import type { Executor } from "../executor.ts";
import type { Future } from "../future.ts";
import type { AnyFunction } from "../task.ts";
import { importModule } from "../import-module.ts";
import { ProcessPoolExecutor } from "../process-pool.ts";
import { ThreadPoolExecutor } from "../thread-pool.ts";
import {
  DEFAULT_PREFIX,
  checkDatabase,
  describeConnection,
  futuresKeys,
  redisOptions,
  type Connection,
} from "./connection.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES, decode, encodeOutcome, type JobData } from "./payload.ts";
import { settledWithin } from "./settled-within.ts";
import { TaskDirectory } from "./task-address.ts";
import { HEARTBEAT_MS, announceWorker, withdrawWorker } from "./worker-registry.ts";

export type LocalExecutorKind = "processes" | "threads" | "async";

export interface QueueWorkerOptions {
  queue: string;
  connection?: Connection | undefined;
  /** Modules whose exported tasks this worker runs: file paths, file URLs or package specifiers. */
  imports: readonly (string | URL)[];
  /** Where the tasks run (default "processes"). */
  executor?: LocalExecutorKind | undefined;
  /** Tasks run at once (default: one per CPU for processes and threads, 64 for async). */
  concurrency?: number | undefined;
  /** Milliseconds a job's lock lasts without renewal; a dead worker's job is found stalled after about this long (default 4,000). */
  lockDuration?: number | undefined;
  /** Milliseconds between checks for stalled jobs (default 2,000). */
  stalledInterval?: number | undefined;
  maxPayloadBytes?: number | undefined;
  prefix?: string | undefined;
  /** Told of what happens: start, each finished job, connection lost and back. */
  onEvent?: ((event: QueueWorkerEvent) => void) | undefined;
}

export type QueueWorkerEvent =
  | { type: "ready"; tasks: number; concurrency: number; executor: LocalExecutorKind; redis: string }
  /** A job answered: ok when its task gave a result, not when it failed or was ended. */
  | { type: "job"; ok: boolean }
  | { type: "connection-lost"; redis: string; error: string }
  | { type: "reconnected"; redis: string }
  /** Something went wrong outside any one task, such as a job gone from a Redis that restarted empty. */
  | { type: "warning"; message: string };

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
}

const STOPPED = "the worker was stopped while running this task";
const WARNING_REPEAT_MS = 60_000;

/** Error codes that mean "Redis is unreachable", which the connection state reports once. */
const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

export class QueueWorker {
  readonly queueName: string;
  readonly concurrency: number;
  readonly executorKind: LocalExecutorKind;
  readonly #options: QueueWorkerOptions;
  readonly #redisOptions: RedisOptions;
  readonly #keys: ReturnType<typeof futuresKeys>;
  readonly #id = randomBytes(6).toString("hex");
  readonly #directory = new TaskDirectory();
  #executor: Executor | undefined;
  #worker: Worker | undefined;
  #redis: Redis | undefined;
  #subscriber: Redis | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #handingBack = false;
  #connected = true;
  #closing = false;
  /** Whether our connection to Redis is up now (#connected is what was last reported). */
  #reachable = true;
  #lastConnectionError = "connection closed";
  /** When each kind of BullMQ warning was last shown (job ids left out of the kind). */
  readonly #warned = new Map<string, number>();
  readonly #jobs = new Map<string, ActiveJob>();

  constructor(options: QueueWorkerOptions) {
    const kind = options.executor ?? "processes";
    if (!["processes", "threads", "async"].includes(kind)) {
      throw new TypeError(`executor must be processes, threads or async, got ${kind}`);
    }
    const concurrency = options.concurrency ?? (kind === "async" ? 64 : defaultParallelism());
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    }
    if (options.imports.length === 0)
      throw new TypeError("a worker needs at least one module of tasks to import");
    this.queueName = options.queue;
    this.concurrency = concurrency;
    this.executorKind = kind;
    this.#options = options;
    this.#redisOptions = redisOptions(options.connection);
    this.#keys = futuresKeys(options.prefix ?? DEFAULT_PREFIX, options.queue);
  }

  /** Import the task modules, start the local executor and take jobs. */
  async start(): Promise<void> {
    for (const specifier of this.#options.imports) {
      const url = specifier instanceof URL ? specifier.href : resolveTaskModule(specifier);
      this.#directory.addModule(await importModule(url));
    }
    if (this.#directory.size === 0) {
      throw new TypeError(
        `no task found in ${this.#options.imports.join(", ")}: export tasks made with task()`,
      );
    }
    this.#executor = makeExecutor(this.executorKind, this.concurrency);
    const redis = describeConnection(this.#redisOptions);
    this.#redis = new Redis({ ...this.#redisOptions, maxRetriesPerRequest: null });
    this.#redis.on("error", (error: Error) => (this.#lastConnectionError = error.message));
    try {
      await checkDatabase(this.#redis, this.#redisOptions);
    } catch (error) {
      this.#redis.disconnect();
      throw error;
    }
    this.#subscriber = this.#redis.duplicate();
    this.#subscriber.on("error", () => {});
    this.#subscriber.on("message", (_channel: string, jobId: string) => {
      this.#abort(jobId, "aborted by the producer");
    });
    const worker = new Worker(this.queueName, (job, token) => this.#process(job, token), {
      connection: { ...this.#redisOptions, maxRetriesPerRequest: null } as ConnectionOptions,
      prefix: this.#options.prefix ?? DEFAULT_PREFIX,
      concurrency: this.concurrency,
      lockDuration: this.#options.lockDuration ?? 4_000,
      stalledInterval: this.#options.stalledInterval ?? 2_000,
      maxStalledCount: 0,
      autorun: false,
    });
    this.#worker = worker;
    // The state of our own connection says whether Redis is reachable; BullMQ's errors during
    // an outage repeat that, and the others (a lock or a job gone) are worth a line each.
    worker.on("error", (error: Error & { code?: string }) => {
      if (!this.#connected || this.#closing) return;
      if (CONNECTION_ERRORS.has(error.code ?? "") || /Connection is closed/.test(error.message)) return;
      const gone = /Missing key for job|could not renew lock/i.test(error.message)
        ? " (the job is no longer in Redis: restarted empty or flushed, or taken back by its producer after this worker's lock lapsed)"
        : "";
      const message = `${error.message}${gone}`;
      // BullMQ repeats these every few seconds for each job concerned: one line per kind a minute.
      const kind = message.replace(/job \S+/g, "job");
      const now = Date.now();
      if (now - (this.#warned.get(kind) ?? -Infinity) < WARNING_REPEAT_MS) return;
      this.#warned.set(kind, now);
      this.#options.onEvent?.({ type: "warning", message });
    });
    this.#redis.on("close", () => {
      this.#reachable = false;
      if (!this.#connected || this.#closing) return;
      this.#connected = false;
      this.#options.onEvent?.({ type: "connection-lost", redis, error: this.#lastConnectionError });
    });
    this.#redis.on("ready", () => {
      this.#reachable = true;
      void this.#announce();
      if (!this.#connected) {
        this.#connected = true;
        this.#options.onEvent?.({ type: "reconnected", redis });
      }
    });
    await this.#subscriber.subscribe(this.#keys.abort);
    await this.#announce();
    this.#heartbeat = setInterval(() => void this.#announce(), HEARTBEAT_MS);
    void worker.run().catch(() => {});
    await worker.waitUntilReady();
    this.#options.onEvent?.({
      type: "ready",
      tasks: this.#directory.size,
      concurrency: this.concurrency,
      executor: this.executorKind,
      redis,
    });
  }

  /** Jobs this worker holds now. */
  get activeJobs(): number {
    return this.#jobs.size;
  }

  /**
   * Stop. Without `handBack`, take no new job and finish the running ones. With it, jobs whose
   * task has not started go back to the queue for another worker, and running tasks are
   * ended; their futures fail with a clear error.
   */
  async close({ handBack = false }: { handBack?: boolean } = {}): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    if (handBack) {
      this.#handingBack = true;
      for (const jobId of [...this.#jobs.keys()]) this.#abort(jobId, STOPPED);
    }
    // With Redis unreachable, BullMQ's close and our own commands would wait for a reconnection
    // that may never come: then the worker stops as a crash would (its producers find the jobs
    // stalled), ending its running tasks instead of waiting for results it cannot deliver.
    if (this.#reachable) await this.#whileReachable(this.#worker?.close());
    if (!this.#reachable) {
      await settledWithin(this.#worker?.close(true) ?? Promise.resolve(), 2000);
      await this.#executor?.terminateWorkers();
    } else await this.#executor?.shutdown({ cancelFutures: true });
    if (this.#redis && this.#reachable)
      await settledWithin(withdrawWorker(this.#redis, this.#keys.workers, this.#id), 2000);
    this.#subscriber?.disconnect();
    this.#redis?.disconnect();
  }

  /** Wait for `promise`, or until our connection to Redis drops. */
  #whileReachable(promise: Promise<unknown> | undefined): Promise<void> {
    const redis = this.#redis;
    if (!promise || !redis) return Promise.resolve(promise).then(() => undefined);
    return new Promise((resolve) => {
      const done = (): void => {
        redis.off("close", done);
        resolve();
      };
      redis.once("close", done);
      promise.then(done, done);
    });
  }

  async #announce(): Promise<void> {
    if (!this.#redis || this.#handingBack) return;
    await announceWorker(this.#redis, this.#keys.workers, this.#id, this.concurrency).catch(() => {});
  }

  /**
   * End a job: one not started here yet is cancelled (and handed back to the queue while the
   * worker is stopping); a running one has its task's signal aborted, where it has one.
   */
  #abort(jobId: string, reason: string): void {
    const active = this.#jobs.get(jobId);
    if (!active || active.abortReason !== undefined) return;
    active.abortReason = reason;
    this.#end(active);
  }

  /** Carry out an abort asked for: called again once the job's call exists. */
  #end(active: ActiveJob): void {
    if (active.future?.cancel()) {
      if (this.#handingBack && active.token) {
        active.handedBack = true;
        void active.job.moveToWait(active.token).catch((error: Error) =>
          this.#options.onEvent?.({
            type: "warning",
            message: `could not hand job ${active.job.id} back to the queue (${error.message}); it fails as stalled`,
          }),
        );
      }
    } else active.controller?.abort(active.abortReason);
  }

  async #process(job: Job<JobData>, token: string | undefined): Promise<string> {
    const active: ActiveJob = {
      job,
      token,
      future: undefined,
      controller: undefined,
      abortReason: undefined,
      handedBack: false,
    };
    const jobId = job.id!;
    this.#jobs.set(jobId, active);
    try {
      if (this.#handingBack) this.#abort(jobId, STOPPED);
      return await this.#run(active);
    } finally {
      if (this.#jobs.get(jobId) === active) this.#jobs.delete(jobId);
    }
  }

  /**
   * A task that ends its process or thread (process.exit, a crash, an unhandled rejection)
   * breaks the local pool, as in Python, failing what ran there. The worker goes on with a
   * new pool, so that one bad task does not fail every job after it.
   */
  #renewIfBroken(executor: Executor, error: unknown): void {
    if (!(error instanceof BrokenExecutor) || executor !== this.#executor || this.#closing) return;
    this.#executor = makeExecutor(this.executorKind, this.concurrency);
    void executor.terminateWorkers().catch(() => {});
    this.#options.onEvent?.({
      type: "warning",
      message: `a task broke the local pool (${error.message}); its jobs failed, and a new pool takes the next ones`,
    });
  }

  /** Submit to the local pool; one found broken before this job's turn is renewed, and the job runs on the new one. */
  #submitLocal(
    signal: AbortSignal | undefined,
    fn: AnyFunction,
    args: unknown[],
  ): { executor: Executor; future: Future<unknown> } {
    const executor = this.#executor!;
    try {
      return { executor, future: executor.submitWith({ signal }, fn, ...args) };
    } catch (error) {
      this.#renewIfBroken(executor, error);
      if (this.#executor === executor) throw error;
      return { executor: this.#executor!, future: this.#executor!.submitWith({ signal }, fn, ...args) };
    }
  }

  /** A job's outcome for its producer, told to onEvent as well. */
  #answer(ok: boolean, value: unknown, limit: number): string {
    this.#options.onEvent?.({ type: "job", ok });
    return encodeOutcome(ok, value, limit);
  }

  async #run(active: ActiveJob): Promise<string> {
    const { data } = active.job;
    const limit = this.#options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const executor = this.#executor!;
    let fn;
    let args: unknown[];
    try {
      fn = this.#directory.resolve(data.t);
      args = decode(data.a) as unknown[];
    } catch (error) {
      return this.#answer(false, error, limit);
    }
    if (data.c === 1) {
      // A chunk from map(): its items in one call to the local executor, results in order.
      try {
        const results: unknown[] = [];
        for await (const value of executor.map(fn, args, { chunksize: args.length })) results.push(value);
        return this.#answer(true, results, limit);
      } catch (error) {
        this.#renewIfBroken(executor, error);
        return this.#answer(false, error, limit);
      }
    }
    // A signal only where an abort can reach a running task: a pool's worker can be ended, an
    // abortable() task can listen. Elsewhere cancel() is all an abort can do, and a signal per
    // job would cost more CPU than a small task.
    if (this.executorKind !== "async" || signalTaker(fn)) active.controller = new AbortController();
    const { executor: runner, future } = this.#submitLocal(active.controller?.signal, fn, args);
    active.future = future;
    if (active.abortReason !== undefined) this.#end(active);
    try {
      return this.#answer(true, await future.result(), limit);
    } catch (error) {
      this.#renewIfBroken(runner, error);
      if (active.handedBack) throw new WaitingError();
      if (active.abortReason !== undefined) return this.#answer(false, abortError(active.abortReason), limit);
      return this.#answer(false, error, limit);
    }
  }
}

function abortError(reason: string): Error {
  return new DOMException(reason, "AbortError");
}

function makeExecutor(kind: LocalExecutorKind, concurrency: number): Executor {
  if (kind === "threads") return new ThreadPoolExecutor({ maxWorkers: concurrency });
  if (kind === "async") return new AsyncExecutor({ maxWorkers: concurrency });
  return new ProcessPoolExecutor({ maxWorkers: concurrency });
}

function defaultParallelism(): number {
  return os.availableParallelism();
}

/**
 * How a worker reads a module of tasks it is given: a path becomes a file URL, a package
 * specifier is resolved from the current folder (as a user means it: installed where the
 * worker runs), and a URL stays as it is.
 */
export function resolveTaskModule(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !path.isAbsolute(specifier)) return specifier;
  if (specifier.startsWith(".") || path.isAbsolute(specifier) || existsSync(specifier)) {
    return pathToFileURL(path.resolve(specifier)).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(process.cwd(), "index.js")).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}
