// QueueExecutor: the Executor contract over BullMQ on Redis, for workers on other machines.
//
// A call stays in this process (pending, cancellable) until there is room in a bounded
// window of jobs in Redis; then it is marked running and sent. Completion events are
// best-effort in BullMQ, so outstanding jobs are also reconciled by reading their state,
// and Redis coming back empty (its epoch key gone) breaks the executor at once.
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { ShutdownError } from "../errors.ts";
import { refuseWhileExiting, watchProcessExit } from "../exiting.ts";
import { ChunkFuture, Executor, type Result, type ShutdownOptions, type SubmitOptions } from "../executor.ts";
import { Future, kCancelUnstarted } from "../future.ts";
import { checkChoice, checkInteger, checkOptionalInteger, checkPeriod, checkSignal } from "../validate.ts";
import { taskRef, type AnyFunction, type WrapTheFunctionWithTask } from "../task.ts";
import {
  DEFAULT_PREFIX,
  checkDatabase,
  describeConnection,
  futuresKeys,
  redisOptions,
  type Connection,
} from "./connection.ts";
import { BrokenQueueExecutor, QueueUnavailableError, WorkerLostError } from "./errors.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES, encode, readOutcome, type JobData } from "./payload.ts";
import { CompletionEvents } from "./completion-events.ts";
import { readJobStates, STALLED, streamTrimmedPast } from "./job-states.ts";
import { ResultRemoval } from "./result-removal.ts";
import { settledWithin } from "./settled-within.ts";
import { addressOf, describeAddress, type TaskAddress } from "./task-address.ts";
import { withdrawWaiting } from "./withdrawal.ts";
import { liveConcurrency } from "./worker-registry.ts";

export interface QueueExecutorOptions {
  /** BullMQ queue name; workers started with the same name run the jobs. */
  queue: string;
  /** redis://HOST:PORT (default redis://127.0.0.1:6379) or ioredis options. */
  connection?: Connection | undefined;
  /** Jobs kept in Redis at once; default twice the live workers' total concurrency. */
  window?: number | undefined;
  /**
   * "at-most-once" (default): a job whose worker died fails with WorkerLostError.
   * "at-least-once": such a job is sent again, once.
   */
  delivery?: "at-most-once" | "at-least-once" | undefined;
  /** Milliseconds Redis may stay unreachable before outstanding futures fail (default 30,000; Infinity: never). */
  connectionTimeout?: number | undefined;
  /** Milliseconds between reads of outstanding jobs' states, for lost completion events (default 1,000). */
  reconcileInterval?: number | undefined;
  /** Largest serialized arguments or result of one job, in bytes (default 16 MiB). */
  maxPayloadBytes?: number | undefined;
  /** Cap of BullMQ's event stream for this queue (BullMQ's default 10,000). */
  maxEvents?: number | undefined;
  /** BullMQ key prefix (default "bull"). */
  prefix?: string | undefined;
}

/** A call of this executor: held here until sent, then outstanding in Redis. */
interface Call {
  jobId: string;
  future: Future<any>;
  address: TaskAddress;
  args: string;
  chunk: boolean;
  signal: AbortSignal | undefined;
  /** Already sent a second time after its worker was lost (at-least-once). */
  resent: boolean;
  /** performance.now() when it was handed to Redis; undefined until the send succeeded. */
  sentAt: number | undefined;
  /** Its caller gave up on it: its job is withdrawn if no worker took it, else its worker is asked to end it. */
  stopped: boolean;
}

/** BullMQ removes finished jobs older than this (seconds) when later jobs finish. */
const ORPHANS = { age: 24 * 3600 };
/** After a reconcile found lost events, look again this soon. */
const FAST_RECONCILE_MS = 20;

export class QueueExecutor extends Executor<WrapTheFunctionWithTask> {
  readonly queueName: string;
  readonly #delivery: "at-most-once" | "at-least-once";
  readonly #fixedWindow: number | undefined;
  #window: number;
  /** Undefined: wait for Redis for ever. */
  readonly #connectionTimeout: number | undefined;
  readonly #reconcileInterval: number;
  readonly #maxPayloadBytes: number;
  readonly #redisOptions: RedisOptions;
  readonly #keys: ReturnType<typeof futuresKeys>;
  readonly #id = randomBytes(6).toString("hex");
  #seq = 0;

  readonly #redis: Redis;
  readonly #queue: Queue;
  readonly #events = new CompletionEvents({
    completed: (jobId, returnvalue) => {
      const call = this.#remote.get(jobId);
      if (call) this.#complete(call, returnvalue);
    },
    failed: (jobId, reason) => {
      const call = this.#remote.get(jobId);
      if (call) this.#failed(call, reason);
    },
  });
  readonly #eventsKey: string;
  #ready: Promise<void>;
  #started = false;
  #epoch = randomBytes(8).toString("hex");

  #held: Call[] = [];
  #heldHead = 0;
  readonly #remote = new Map<string, Call>();
  #outbox: Call[] = [];
  #flushScheduled = false;
  /** Calls asked to stop that were not yet looked for in Redis (those being sent wait here). */
  readonly #stopping = new Set<Call>();
  #withdrawalScheduled = false;
  readonly #removal: ResultRemoval;

  #down = false;
  #downTimer: NodeJS.Timeout | undefined;
  #tick: NodeJS.Timeout | undefined;
  #reconciling = false;
  #broken: BrokenQueueExecutor | undefined;
  #rejectWhenBroken: (error: BrokenQueueExecutor) => void = () => {};
  readonly #whenBroken = new Promise<never>((_, reject) => (this.#rejectWhenBroken = reject));
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #whenIdle: (() => void)[] = [];

  constructor(options: QueueExecutorOptions) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new TypeError("QueueExecutor needs options: { queue, connection?, ... }");
    }
    const {
      queue,
      connection,
      window,
      delivery = "at-most-once",
      connectionTimeout = 30_000,
      reconcileInterval = 1_000,
      maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES,
      maxEvents,
      prefix = DEFAULT_PREFIX,
    } = options;
    watchProcessExit();
    if (typeof queue !== "string" || queue === "" || queue.includes(":")) {
      throw new TypeError(`queue must be a non-empty name without ':', got ${String(queue)}`);
    }
    if (typeof prefix !== "string" || prefix === "") {
      throw new TypeError(`prefix must be a non-empty string, got ${String(prefix)}`);
    }
    this.queueName = queue;
    this.#delivery = checkChoice("delivery", delivery, ["at-most-once", "at-least-once"]);
    this.#fixedWindow = checkOptionalInteger("window", window, 1);
    this.#window = window ?? 0;
    this.#connectionTimeout = checkPeriod("connectionTimeout", connectionTimeout, true);
    this.#reconcileInterval = checkPeriod("reconcileInterval", reconcileInterval)!;
    this.#maxPayloadBytes = checkInteger("maxPayloadBytes", maxPayloadBytes, 1);
    checkOptionalInteger("maxEvents", maxEvents, 1);
    this.#redisOptions = redisOptions(connection);
    this.#keys = futuresKeys(prefix, queue);
    this.#eventsKey = `${prefix}:${queue}:events`;

    // No offline queue: a command while Redis is unreachable fails at once instead of piling up.
    this.#redis = new Redis({
      ...this.#redisOptions,
      maxRetriesPerRequest: null,
      enableOfflineQueue: false,
      lazyConnect: false,
      retryStrategy: (times) => Math.min(50 * times, 1000),
    });
    // Reported through the connection state below, except refused credentials: waiting
    // for connectionTimeout would then only hide the cause.
    this.#redis.on("error", (error: Error) => {
      if (/WRONGPASS|NOAUTH|NOPERM/.test(error.message)) {
        this.#break(`Redis at ${describeConnection(this.#redisOptions)} refused us: ${error.message}`);
      }
    });
    this.#redis.on("ready", () => this.#onReady());
    this.#redis.on("close", () => this.#onDown());
    this.#queue = new Queue(queue, {
      connection: this.#redis,
      prefix,
      ...(maxEvents === undefined ? {} : { streams: { events: { maxLen: maxEvents } } }),
    });
    this.#queue.on("error", () => {});
    this.#removal = new ResultRemoval(this.#redis, this.#queue.toKey(""), () => !this.#down && !this.#broken);
    this.#ready = this.#start();
    this.#ready.catch(() => {});
    this.#startDownTimer(); // the first connection has the same deadline as a reconnection
  }

  /** Jobs this executor keeps in Redis at once (twice the live workers' concurrency unless fixed). */
  get window(): number {
    return this.#window;
  }

  /** The window, under the name the local pools use: at most this many of its jobs run at once. */
  get maxWorkers(): number {
    return this.#window;
  }

  /** Resolves once Redis answered and the executor listens to its events; rejects if it broke first. */
  waitUntilReady(): Promise<void> {
    return Promise.race([this.#ready, this.#whenBroken]);
  }

  submitWith<F extends AnyFunction>(
    { signal }: SubmitOptions,
    fn: F & WrapTheFunctionWithTask,
    ...args: Parameters<F>
  ): Future<Result<F>> {
    checkSignal(signal);
    return this.#enqueue(new Future<Result<F>>(), fn, args, false, signal);
  }

  protected override submitChunk<A, R>(fn: (item: A) => R, chunk: A[]): ChunkFuture<Awaited<R>> {
    return this.#enqueue(new ChunkFuture<Awaited<R>>(), fn, chunk, true, undefined);
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#shutdown = true;
    // Only what is held here: a future whose job is in Redis reported running, and Python's
    // cancelFutures lets running work finish.
    if (cancelFutures) for (const call of this.#drainHeld()) call.future.cancel();
    this.#closed ??= this.#idleNow().then(() => this.#close());
    if (wait) await this.#closed;
  }

  /**
   * Stop now: cancel what is held here and the jobs in Redis that no worker took (withdrawn),
   * ask the workers to end the others, fail their futures with BrokenQueueExecutor instead of
   * waiting, and close the connections.
   */
  async terminateWorkers(): Promise<void> {
    this.#shutdown = true;
    for (const call of this.#drainHeld()) call.future.cancel();
    if (!this.#broken) {
      this.#stop(this.#remote.values());
      await settledWithin(this.#withdraw(), 1000);
    }
    this.#break("the executor was terminated; its running jobs were asked to stop");
    this.#closed ??= this.#close();
    await this.#closed;
  }

  override toString(): string {
    const state = this.#broken
      ? "broken"
      : this.#shutdown
        ? "shut down"
        : this.#down
          ? "disconnected"
          : "open";
    return `QueueExecutor<queue=${this.queueName} window=${this.#window} held=${this.#held.length - this.#heldHead} in-redis=${this.#remote.size} ${state}>`;
  }

  #enqueue<T>(
    future: Future<T>,
    fn: AnyFunction,
    args: unknown[],
    chunk: boolean,
    signal: AbortSignal | undefined,
  ): Future<T> {
    refuseWhileExiting();
    if (this.#shutdown) throw new ShutdownError();
    if (this.#broken) throw this.#broken;
    if (this.#down) {
      throw new QueueUnavailableError(`Redis at ${describeConnection(this.#redisOptions)} is unreachable`);
    }
    const address = addressOf(taskRef(fn, "QueueExecutor"));
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    let payload: string;
    try {
      payload = encode(args, `the arguments of ${address.e}`, this.#maxPayloadBytes);
    } catch (error) {
      future.setException(error);
      return future;
    }
    const call: Call = {
      jobId: `fx-${this.#id}-${++this.#seq}`,
      future,
      address,
      args: payload,
      chunk,
      signal,
      resent: false,
      sentAt: undefined,
      stopped: false,
    };
    if (signal) {
      // Held here: cancel it. In Redis: withdraw it if no worker took it, else ask its worker to end it.
      const onAbort = (): void => {
        if (!future.cancel() && this.#remote.get(call.jobId) === call) this.#stop([call]);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      future.addDoneCallback(() => signal.removeEventListener("abort", onAbort));
    }
    this.#held.push(call);
    this.#pump();
    return future;
  }

  /** Move held calls into the window: mark them running and queue them for the next send. */
  #pump(): void {
    if (this.#broken) return;
    while (this.#remote.size < this.#window && this.#heldHead < this.#held.length) {
      const call = this.#held[this.#heldHead]!;
      this.#held[this.#heldHead++] = undefined as unknown as Call;
      if (!call.future.setRunningOrNotifyCancel()) continue;
      this.#remote.set(call.jobId, call);
      this.#outbox.push(call);
    }
    if (this.#heldHead > 1024 && this.#heldHead * 2 > this.#held.length) {
      this.#held = this.#held.slice(this.#heldHead);
      this.#heldHead = 0;
    }
    if (this.#outbox.length > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      // A microtask: every submit of the same synchronous loop goes out in one addBulk.
      queueMicrotask(() => void this.#flush());
    }
    this.#checkIdle();
  }

  async #flush(): Promise<void> {
    if (!this.#started) await this.#ready.catch(() => {});
    this.#flushScheduled = false;
    const batch = this.#outbox.filter((call) => this.#remote.get(call.jobId) === call);
    this.#outbox = [];
    if (batch.length === 0 || this.#broken || this.#down) return; // resent on reconnect
    try {
      // One job alone goes as a plain add: addBulk's MULTI costs a round trip's worth.
      if (batch.length === 1) {
        const { name, data, opts } = this.#job(batch[0]!);
        await this.#queue.add(name, data, opts);
      } else await this.#queue.addBulk(batch.map((call) => this.#job(call)));
      const now = performance.now();
      for (const call of batch) call.sentAt ??= now;
      // Stopped while being sent: now in Redis, they can be withdrawn (rare: no lookups otherwise).
      if (this.#stopping.size > 0 && batch.some((call) => this.#stopping.has(call)))
        this.#scheduleWithdrawal();
    } catch (error) {
      if (this.#down) return; // the reconnection sends them again; custom ids make that idempotent
      for (const call of batch) this.#settle(call, false, error);
    }
  }

  #job(call: Call) {
    const data: JobData = { t: call.address, a: call.args, c: call.chunk ? 1 : 0 };
    return {
      name: call.address.e,
      data,
      // Results stay until this executor has read them, so a lost event can be reconciled;
      // those of a producer that died go after a day.
      opts: { jobId: call.jobId, removeOnComplete: ORPHANS, removeOnFail: ORPHANS, attempts: 1 },
    };
  }

  async #start(): Promise<void> {
    await this.#redis.ping().catch(async () => {
      await new Promise<void>((resolve) => this.#redis.once("ready", () => resolve()));
    });
    try {
      await checkDatabase(this.#redis, this.#redisOptions);
    } catch (error) {
      this.#break((error as Error).message);
      throw error;
    }
    await this.#events.subscribe(this.#redis, this.#redisOptions, this.queueName, this.#queue.opts.prefix!);
    await this.#checkEpoch(true);
    if (this.#fixedWindow === undefined) await this.#readWindow();
    this.#started = true;
    if (!this.#down) {
      clearTimeout(this.#downTimer);
      this.#downTimer = undefined;
    }
    this.#scheduleTick(this.#reconcileInterval);
    this.#pump();
  }

  /** Set our epoch when there is none; a different or missing one later means Redis lost its data. */
  async #checkEpoch(first = false): Promise<void> {
    if (first) {
      await this.#redis.set(this.#keys.epoch, this.#epoch, "NX");
      this.#epoch = (await this.#redis.get(this.#keys.epoch)) ?? this.#epoch;
      return;
    }
    const epoch = await this.#redis.get(this.#keys.epoch);
    if (epoch !== this.#epoch) {
      const lost = this.#remote.size;
      this.#break(
        `Redis at ${describeConnection(this.#redisOptions)} came back empty: ${lost} jobs in it were lost`,
      );
    }
  }

  async #readWindow(): Promise<void> {
    const total = await liveConcurrency(this.#redis, this.#keys.workers);
    this.#window = 2 * total;
  }

  #scheduleTick(ms: number): void {
    if (this.#closed && this.#remote.size === 0) return;
    clearTimeout(this.#tick);
    this.#tick = setTimeout(() => void this.#onTick(), ms);
    // Work still outstanding keeps the process alive through the Redis connections, not the timer.
    this.#tick.unref();
  }

  async #onTick(): Promise<void> {
    let lost = false;
    if (!this.#down && !this.#broken && !this.#reconciling) {
      this.#reconciling = true;
      try {
        await this.#checkEpoch();
        if (this.#fixedWindow === undefined && !this.#broken) await this.#readWindow();
        if (!this.#broken) lost = await this.#reconcile();
        if (this.#stopping.size > 0) this.#scheduleWithdrawal();
      } catch {
        // Connection trouble: the connection state decides what happens next.
      } finally {
        this.#reconciling = false;
      }
      this.#pump();
    }
    if (!this.#broken) this.#scheduleTick(lost ? FAST_RECONCILE_MS : this.#reconcileInterval);
  }

  /**
   * Read the state of outstanding jobs whose events may have been lost: all of them when the
   * event stream was trimmed past what we read, otherwise those older than one interval. Jobs
   * whose worker died are taken back here, since no live worker may be left to find them.
   * Returns whether it found outcomes whose events were lost.
   */
  async #reconcile(): Promise<boolean> {
    const trimmed = await streamTrimmedPast(this.#redis, this.#eventsKey, this.#events.lastReadId);
    const before = performance.now() - (trimmed ? 0 : this.#reconcileInterval);
    const due = [...this.#remote.values()].filter(
      (call) => call.sentAt !== undefined && call.sentAt <= before,
    );
    if (due.length === 0) return false;
    // The ids as read: an event meanwhile may have sent a call again under a new id, and the
    // old job's state must not settle it.
    const ids = due.map((call) => call.jobId);
    const states = await readJobStates(this.#redis, this.#queue.toKey(""), ids);
    let lost = false;
    states.forEach((job, i) => {
      const call = due[i]!;
      if (job.state === "unfinished" || this.#remote.get(ids[i]!) !== call) return;
      if (job.state === "abandoned") return this.#failed(call, STALLED);
      lost = true;
      // Sent, and Redis still has our epoch, yet no job: someone removed it (drain, obliterate).
      if (job.state === "missing") this.#jobVanished(call);
      else if (job.state === "completed") this.#complete(call, job.returnvalue);
      else this.#failed(call, job.reason);
    });
    return lost;
  }

  #jobVanished(call: Call): void {
    this.#settle(
      call,
      false,
      new BrokenQueueExecutor(
        `the job of ${describeAddress(call.address)} was removed from Redis by someone else`,
      ),
    );
  }

  #complete(call: Call, returnvalue: unknown): void {
    // Its outcome proves the job is in Redis, even when it came before addBulk's reply: mark it
    // sent, so that its result is removed like any other.
    call.sentAt ??= performance.now();
    let outcome: { ok: boolean; value: unknown };
    try {
      outcome = readOutcome(String(returnvalue));
    } catch (error) {
      outcome = {
        ok: false,
        value: new TypeError(`the job's result could not be read: ${(error as Error).message}`),
      };
    }
    this.#settle(call, outcome.ok, outcome.value);
  }

  #failed(call: Call, reason: string): void {
    call.sentAt ??= performance.now(); // as in #complete: the job is in Redis
    if (reason === STALLED && this.#delivery === "at-least-once" && !call.resent && !call.stopped) {
      // Sent again under a new id: the old job may still finish, and must not settle this one.
      this.#remote.delete(call.jobId);
      this.#removal.add(call.jobId);
      call.resent = true;
      call.jobId = `${call.jobId}-again`;
      call.sentAt = undefined;
      this.#remote.set(call.jobId, call);
      this.#outbox.push(call);
      this.#pump();
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => void this.#flush());
      }
      return;
    }
    const error =
      reason === STALLED
        ? new WorkerLostError(
            `the worker running ${describeAddress(call.address)} stopped renewing its lock (killed, crashed or frozen); ` +
              (call.resent
                ? `it was the second run of the task, and at-least-once sends a job again only once`
                : `the task may have run in part and was not run again (at-most-once)`),
          )
        : new Error(reason);
    this.#settle(call, false, error);
  }

  #settle(call: Call, ok: boolean, value: unknown): void {
    if (this.#remote.get(call.jobId) !== call) return;
    this.#remote.delete(call.jobId);
    this.#stopping.delete(call);
    if (call.sentAt !== undefined) this.#removal.add(call.jobId);
    if (ok) call.future.setResult(value);
    else call.future.setException(value);
    this.#pump();
  }

  /** Ask for these calls to stop (see Call.stopped). */
  #stop(calls: Iterable<Call>): void {
    for (const call of calls) {
      call.stopped = true;
      this.#stopping.add(call);
    }
    this.#scheduleWithdrawal();
  }

  /** One withdrawal for every call stopped in the same synchronous run (an abort reaches many). */
  #scheduleWithdrawal(): void {
    if (this.#withdrawalScheduled) return;
    this.#withdrawalScheduled = true;
    queueMicrotask(() => void this.#withdraw());
  }

  /**
   * Withdraw the jobs of stopped calls that no worker took, and cancel their futures; ask the
   * workers of the others to end them. A call still being sent is left for when it is in
   * Redis: an abort earlier would reach no worker.
   */
  async #withdraw(): Promise<void> {
    this.#withdrawalScheduled = false;
    if (this.#down || this.#broken) return; // a reconnection sends what it holds, then comes back here
    const calls = [...this.#stopping].filter((call) => call.sentAt !== undefined);
    if (calls.length === 0) return;
    for (const call of calls) this.#stopping.delete(call);
    const ids = calls.map((call) => call.jobId);
    let withdrawn: boolean[];
    try {
      withdrawn = await withdrawWaiting(this.#redis, this.#queue.toKey(""), ids);
    } catch {
      // Connection trouble: try again with the next reconciliation.
      for (const call of calls) if (this.#remote.get(call.jobId) === call) this.#stopping.add(call);
      return;
    }
    calls.forEach((call, i) => {
      if (this.#remote.get(ids[i]!) !== call) return; // settled meanwhile, or sent again under a new id
      if (withdrawn[i]) {
        this.#remote.delete(call.jobId);
        call.future[kCancelUnstarted]();
      } else this.#redis.publish(this.#keys.abort, call.jobId).catch(() => {});
    });
    this.#pump();
  }

  #onReady(): void {
    const wasDown = this.#down;
    this.#down = false;
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
    if (!wasDown || !this.#started) return;
    // Back: check the epoch first (an empty Redis breaks us), then resend what never arrived.
    void this.#checkEpoch()
      .then(() => {
        if (this.#broken) return;
        for (const call of this.#remote.values()) if (call.sentAt === undefined) this.#outbox.push(call);
        if (this.#outbox.length > 0 && !this.#flushScheduled) {
          this.#flushScheduled = true;
          void this.#flush();
        }
        this.#scheduleTick(0);
      })
      .catch(() => {});
  }

  #onDown(): void {
    if (this.#closed && this.#idleState()) return;
    this.#down = true;
    this.#startDownTimer();
  }

  #startDownTimer(): void {
    if (this.#downTimer || this.#connectionTimeout === undefined) return; // Infinity: wait for ever
    this.#downTimer = setTimeout(() => {
      this.#downTimer = undefined;
      if (this.#down || !this.#started) {
        this.#break(
          `Redis at ${describeConnection(this.#redisOptions)} was unreachable for ${this.#connectionTimeout! / 1000} s`,
        );
      }
    }, this.#connectionTimeout);
    this.#downTimer.unref();
  }

  /** Fail every outstanding future, held or in Redis, and refuse new work. */
  #break(message: string): void {
    if (this.#broken) return;
    this.#broken = new BrokenQueueExecutor(message);
    this.#whenBroken.catch(() => {});
    this.#rejectWhenBroken(this.#broken);
    clearTimeout(this.#tick);
    for (const call of this.#drainHeld()) if (!call.future.done()) call.future.setException(this.#broken);
    for (const call of this.#remote.values()) call.future.setException(this.#broken);
    this.#remote.clear();
    this.#stopping.clear();
    this.#outbox = [];
    this.#checkIdle();
    // A broken executor has no more use for Redis: without this, a program that never calls
    // shutdown() would stay alive for ever on the connections' reconnect timers.
    this.#closed ??= this.#close();
  }

  #drainHeld(): Call[] {
    const calls = this.#held.slice(this.#heldHead);
    this.#held = [];
    this.#heldHead = 0;
    return calls;
  }

  #idleState(): boolean {
    return this.#remote.size === 0 && this.#heldHead === this.#held.length;
  }

  #idleNow(): Promise<void> {
    if (this.#idleState()) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }

  #checkIdle(): void {
    if (this.#whenIdle.length > 0 && this.#idleState())
      for (const resolve of this.#whenIdle.splice(0)) resolve();
  }

  async #close(): Promise<void> {
    clearTimeout(this.#tick);
    clearTimeout(this.#downTimer);
    // Every step is bounded: with Redis gone, BullMQ's calls can wait for a reconnection.
    await settledWithin(this.#ready, 1000);
    // Let the last removals go out before the connection closes.
    await new Promise((resolve) => setImmediate(resolve));
    await settledWithin(this.#removal.flush(), 2000);
    await this.#events.close();
    await settledWithin(this.#queue.close(), 1000);
    this.#redis.disconnect();
  }
}
