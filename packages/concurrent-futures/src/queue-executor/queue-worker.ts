// QueueWorker: takes a queue's jobs from Redis and runs each job's task on a local executor.
//
// Processes by default: a CPU-bound task then cannot starve BullMQ's lock renewal in this
// process, and an abort can end the child. Stalled jobs are never run again here
// (maxStalledCount 0): at-least-once is the producer's choice, and it sends the job again.
// The parts: task-modules.ts (what it may run), job-runs.ts (each job's run and abort),
// local-executor.ts (the pool, renewed when a task breaks it), redis-link.ts (the connection),
// worker-registry.ts (the heartbeat that announces it to producers and to queueStatus).
import { hostname } from "node:os";
import { describeThrown } from "../remote-error.ts";
import { DEFAULT_PREFIX, futuresKeys, type Connection } from "./connection.ts";
import { JobRuns } from "./job-runs.ts";
import { JobSigner, checkKey, type QueueKey } from "./job-signature.ts";
import { LocalExecutor, type LocalExecutorKind } from "./local-executor.ts";
import { workerPoolSettings, type LocalPool } from "./local-pool.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./payload.ts";
import { isConnectionLoss, isJobGone } from "./redis-errors.ts";
import { RecentFinishes } from "./recent-finishes.ts";
import { RedisLink } from "./redis-link.ts";
import { RollbackGuard } from "./rollback-guard.ts";
import type { RunnerMark } from "./run-report.ts";
import { RedisTarget, type RedisClient } from "./redis-target.ts";
import { settledWithin, untilClosed } from "./settled-within.ts";
import { TakingWorker } from "./taking-worker.ts";
import { loadTasks } from "./task-modules.ts";
import { WarningThrottle } from "./warning-throttle.ts";
import { HEARTBEAT_MS, announceWorker, withdrawWorker, type WorkerBeat } from "./worker-registry.ts";

export type { LocalExecutorKind };

export interface QueueWorkerOptions {
  queue: string;
  connection?: Connection | undefined;
  /** Modules whose exported tasks this worker runs: file paths, file URLs or package specifiers. */
  imports: readonly (string | URL)[];
  /** Where the tasks run (default "processes"). */
  executor?: LocalExecutorKind | undefined;
  /** Tasks run at once (default: one per CPU for processes and threads, 64 for async). */
  concurrency?: number | undefined;
  /**
   * A pool shared with the workers of other queues in this process (local-pool.ts), instead of
   * a pool of this worker's own; `executor` and `concurrency` are then the pool's.
   */
  pool?: LocalPool | undefined;
  /**
   * Milliseconds a job's lock lasts without renewal (default 30,000): a Redis that stalls for
   * less fails no running job. A dead worker is found sooner, by its lapsed liveness.
   */
  lockDuration?: number | undefined;
  /** Milliseconds between BullMQ's checks for stalled jobs (default 30,000). */
  stalledInterval?: number | undefined;
  maxPayloadBytes?: number | undefined;
  prefix?: string | undefined;
  /** The secret the producers sign jobs with: only jobs signed with it run. */
  key?: QueueKey | undefined;
  /** Told of what happens: start, each finished job, connection lost and back. */
  onEvent?: ((event: QueueWorkerEvent) => void) | undefined;
}

export type QueueWorkerEvent =
  | { type: "ready"; tasks: number; concurrency: number; executor: LocalExecutorKind; redis: string }
  /** A job answered: ok when its task gave a result; else `error` says, in one line, why not. */
  | { type: "job"; jobId: string; ok: boolean; error?: string }
  | { type: "connection-lost"; redis: string; error: string }
  | { type: "reconnected"; redis: string }
  /** Something went wrong outside any one task, such as a job gone from a Redis that restarted empty. */
  | { type: "warning"; message: string };

const STOPPED = "the worker was stopped while running this task";
const DEFAULT_LOCK_MS = 30_000;

export class QueueWorker {
  readonly queueName: string;
  readonly concurrency: number;
  readonly executorKind: LocalExecutorKind;
  readonly #options: QueueWorkerOptions;
  readonly #target: RedisTarget;
  readonly #prefix: string;
  readonly #signer: JobSigner | undefined;
  readonly #keys: ReturnType<typeof futuresKeys>;
  /** BullMQ's id of this worker, which its job locks carry; announced as alive. */
  #id = "";
  /** Who this worker is, in each outcome's report (set once its id is known). */
  #mark: RunnerMark | undefined;
  readonly #warnings = new WarningThrottle();
  /** Jobs answered in the last minute, which each heartbeat reports. */
  readonly #finishes = new RecentFinishes();
  #startedAt = 0;
  #local: LocalExecutor | undefined;
  #runs: JobRuns | undefined;
  #worker: TakingWorker | undefined;
  #link: RedisLink | undefined;
  #guard: RollbackGuard | undefined;
  #subscriber: RedisClient | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  /** What was last reported: lost, or up. */
  #connected = true;
  #closing = false;
  /** This worker's leaving of a shared pool, once begun. */
  #leaving: Promise<void> | undefined;

  constructor(options: QueueWorkerOptions) {
    const { kind, concurrency } = workerPoolSettings(options.pool, options.executor, options.concurrency);
    if (options.imports.length === 0)
      throw new TypeError("a worker needs at least one module of tasks to import");
    this.queueName = options.queue;
    this.concurrency = concurrency;
    this.executorKind = kind;
    this.#options = options;
    this.#target = new RedisTarget(options.connection);
    this.#prefix = this.#target.keyPrefix(options.prefix ?? DEFAULT_PREFIX);
    const key = checkKey(options.key);
    this.#signer = key && new JobSigner(key);
    this.#keys = futuresKeys(this.#prefix, options.queue);
  }

  /** Import the task modules, start the local executor and take jobs. */
  async start(): Promise<void> {
    this.#startedAt = Date.now();
    const tasks = await loadTasks(this.#options.imports);
    const warn = (message: string): void => this.#options.onEvent?.({ type: "warning", message });
    this.#local = this.#options.pool?.join() ?? new LocalExecutor(this.executorKind, this.concurrency, warn);
    this.#runs = new JobRuns({
      tasks,
      local: this.#local,
      maxPayloadBytes: this.#options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      signer: this.#signer,
      runner: () => (this.#mark ??= { w: this.#id, h: hostname(), p: process.pid, c: this.concurrency }),
      refusal: (job) => this.#guard!.refusal(job.timestamp, this.#worker?.checkOf(job)),
      answered: (jobId, ok, error) => {
        this.#finishes.record();
        this.#options.onEvent?.(
          ok ? { type: "job", jobId, ok } : { type: "job", jobId, ok, error: describeThrown(error) },
        );
      },
      warning: warn,
    });
    // A refusal (credentials, permissions, an untrusted certificate) ends a start that would
    // otherwise wait for ever; once running, it is a warning, since ioredis keeps trying.
    let starting = true;
    let refuse!: (error: Error) => void;
    const refused = new Promise<never>((_, reject) => (refuse = reject));
    const link = new RedisLink(
      this.#target,
      { maxRetriesPerRequest: null },
      {
        up: () => this.#onUp(),
        down: () => this.#onDown(),
        refused: (message) => (starting ? refuse(new Error(message)) : this.#warn(message)),
      },
    );
    this.#link = link;
    this.#guard = new RollbackGuard(link.redis, this.#keys);
    try {
      await Promise.race([this.#takeJobs(link), refused]);
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    } finally {
      starting = false;
    }
    this.#options.onEvent?.({
      type: "ready",
      tasks: tasks.size,
      concurrency: this.concurrency,
      executor: this.executorKind,
      redis: link.where,
    });
  }

  /** Listen for aborts, announce this worker and take jobs: resolves once BullMQ is ready. */
  async #takeJobs(link: RedisLink): Promise<void> {
    // Our own connection first: a refusal then ends the start before BullMQ opens its own.
    await link.redis.ping();
    await link.checkDatabase();
    await this.#guard!.start();
    const target = this.#target;
    const runs = this.#runs!;
    const subscriber = target.connect({ maxRetriesPerRequest: null });
    this.#subscriber = subscriber;
    subscriber.on("error", () => {});
    subscriber.on("message", (_channel: string, jobId: string) => {
      runs.abort(jobId, "aborted by the producer");
    });
    const worker = new TakingWorker(
      this.queueName,
      {
        connection: target.blocking(link.redis),
        prefix: this.#prefix,
        concurrency: this.concurrency,
        lockDuration: this.#options.lockDuration ?? DEFAULT_LOCK_MS,
        stalledInterval: this.#options.stalledInterval ?? 30_000,
        maxStalledCount: 0,
      },
      { runs, stopping: STOPPED, guard: this.#guard! },
    );
    this.#worker = worker;
    this.#id = worker.id;
    worker.on("error", (error: Error) => this.#onWorkerError(error));
    await subscriber.subscribe(this.#keys.abort);
    await this.#announce();
    this.#heartbeat = setInterval(() => void this.#announce(), HEARTBEAT_MS);
    void worker.run().catch(() => {});
    await worker.waitUntilReady();
  }

  /** Jobs this worker holds now. */
  get activeJobs(): number {
    return this.#runs?.size ?? 0;
  }

  /**
   * Stop. Without `handBack`, take no new job and finish the running ones. With it, jobs whose
   * task has not started go back to the queue for another worker, and running tasks are
   * ended; their futures fail with a clear error.
   */
  async close({ handBack = false }: { handBack?: boolean } = {}): Promise<void> {
    this.#closing = true;
    // A shared pool goes on serving the other workers.
    if (!this.#options.pool) this.#local?.stopRenewing();
    clearInterval(this.#heartbeat);
    if (handBack) this.#runs?.handBackAll(STOPPED);
    const link = this.#link;
    // With Redis unreachable, BullMQ's close and our own commands would wait for a reconnection
    // that may never come: then the worker stops as a crash would (its producers find the jobs
    // stalled), ending its running tasks instead of waiting for results it cannot deliver.
    if (link?.reachable) await untilClosed(link.redis, this.#worker?.close());
    if (link && !link.reachable) {
      await settledWithin(this.#worker?.close(true) ?? Promise.resolve(), 2000);
      await this.#releaseLocal(true);
    } else await this.#releaseLocal(false);
    if (link?.reachable) await settledWithin(withdrawWorker(link.redis, this.#keys, this.#id), 2000);
    this.#subscriber?.disconnect();
    link?.disconnect();
  }

  /** Done with the local pool: end the calls still running, or let them finish. */
  async #releaseLocal(endRunning: boolean): Promise<void> {
    const { pool } = this.#options;
    if (!pool) return endRunning ? this.#local?.terminate() : this.#local?.shutdown();
    // Once: a second close (Ctrl-C twice) must not leave the shared pool twice.
    this.#leaving ??= this.#local ? pool.leave({ endRunning }) : Promise.resolve();
    await this.#leaving;
  }

  /**
   * The state of our own connection says whether Redis is reachable; BullMQ's errors during
   * an outage repeat that, and the others (a lock or a job gone) are worth a line each.
   */
  #onWorkerError(error: Error): void {
    if (!this.#connected || this.#closing || isConnectionLoss(error)) return;
    const gone = isJobGone(error)
      ? " (the job is no longer in Redis: restarted empty or flushed, or taken back by its producer after this worker's lock lapsed)"
      : "";
    this.#warn(`${error.message}${gone}`);
  }

  /** A warning, at most once a while for the same message. */
  #warn(message: string): void {
    if (this.#warnings.admit(message)) this.#options.onEvent?.({ type: "warning", message });
  }

  #onDown(): void {
    if (!this.#connected || this.#closing) return;
    this.#connected = false;
    const link = this.#link!;
    this.#options.onEvent?.({ type: "connection-lost", redis: link.where, error: link.lastError });
  }

  #onUp(): void {
    void this.#announce();
    if (!this.#connected) {
      this.#connected = true;
      this.#options.onEvent?.({ type: "reconnected", redis: this.#link!.where });
    }
  }

  async #announce(): Promise<void> {
    const redis = this.#link?.redis;
    if (!redis || !this.#id || this.#runs?.handingBack) return;
    const generation = await announceWorker(redis, this.#keys, this.#id, this.#beat()).catch(() => NaN);
    this.#guard?.observe(generation);
  }

  /** What this heartbeat tells of the worker (see worker-registry.ts). */
  #beat(): WorkerBeat {
    return {
      host: hostname(),
      pid: process.pid,
      executor: this.executorKind,
      concurrency: this.concurrency,
      running: this.activeJobs,
      finishedLastMinute: this.#finishes.lastMinute(),
      lockDuration: this.#options.lockDuration ?? DEFAULT_LOCK_MS,
      startedAt: this.#startedAt,
      at: Date.now(),
    };
  }
}
