// QueueExecutor: the Executor contract over BullMQ on Redis, for workers on other machines.
// README.md in this folder draws a call's path. This file coordinates the parts:
//   CallTable      where each call is: held here, or outstanding in Redis under a job id
//   CallIntake     a submit checked, encoded and held; its signal listened to
//   JobSender      held calls admitted to the window go out as jobs, one addBulk per tick
//   CompletionEvents / Reconciler   outcomes by event, or read from Redis when events are lost
//   StoppedCalls   calls given up on: jobs withdrawn, or their workers asked to end them
//   CallRetries, CallAttachment   calls between attempts; calls another executor sent, by id
//   RedisLink, RedisEpoch, ExecutorLifecycle   the connection; Redis back empty; open or not
import { ExecutorLifecycle } from "../executor-lifecycle.ts";
import { ChunkFuture, Executor, type ExecutorStats, type Result, type ShutdownOptions } from "../executor.ts";
import { kCancelUnstarted } from "../future.ts";
import type { AnyFunction, WrapTheFunctionWithTask } from "../task.ts";
import { CallAttachment } from "./call-attachment.ts";
import { CallIntake } from "./call-intake.ts";
import type { QueueSubmitOptions } from "./call-options.ts";
import { CallRetries } from "./call-retries.ts";
import { CallTable } from "./call-table.ts";
import { BrokenQueueExecutor } from "./errors.ts";
import {
  defaultWindow,
  queueSettings,
  type QueueExecutorEvent,
  type QueueExecutorOptions,
  type QueueSettings,
} from "./executor-options.ts";
import { JobSender } from "./job-sender.ts";
import { JobSigner } from "./job-signature.ts";
import { QueueConnection } from "./queue-connection.ts";
import { QueueFuture } from "./queue-future.ts";
import { Reconciler } from "./reconciler.ts";
import { ResultRemoval } from "./result-removal.ts";
import { Settlement } from "./settlement.ts";
import { settledWithin } from "./settled-within.ts";
import { StoppedCalls } from "./stopped-calls.ts";
import { WorkerWatch } from "./worker-watch.ts";

export type { QueueExecutorEvent, QueueExecutorOptions };

const TERMINATED = "the executor was terminated; its running jobs were asked to stop";

export class QueueExecutor extends Executor<WrapTheFunctionWithTask> {
  readonly queueName: string;
  readonly #settings: QueueSettings;
  #window: number;

  readonly #table = new CallTable();
  readonly #lifecycle = new ExecutorLifecycle({
    isIdle: () => this.#table.isIdle() && this.#retries.size === 0 && this.#attachment.pending === 0,
    brokenError: (message, cause) =>
      new BrokenQueueExecutor(message, cause === undefined ? undefined : { cause }),
  });
  readonly #conn: QueueConnection;
  readonly #settlement: Settlement;
  readonly #sender: JobSender;
  readonly #stopped: StoppedCalls;
  readonly #retries: CallRetries;
  readonly #intake: CallIntake;
  readonly #attachment: CallAttachment;
  readonly #reconciler: Reconciler;
  readonly #removal: ResultRemoval;
  readonly #workerWatch: WorkerWatch;
  readonly #ready: Promise<void>;
  #started = false;
  #closed: Promise<void> | undefined;

  constructor(options: QueueExecutorOptions) {
    super();
    const settings = queueSettings(options);
    this.#settings = settings;
    this.queueName = settings.queue;
    this.#window = settings.fixedWindow ?? 0;
    const table = this.#table;
    this.#conn = new QueueConnection(
      settings,
      {
        back: () => this.#onBack(),
        broken: (message) => this.#break(message),
        quiet: () => this.#closed !== undefined && table.isIdle(),
      },
      {
        completed: (jobId, returnvalue) => this.#settlement.completedJob(jobId, returnvalue),
        failed: (jobId, reason) => this.#settlement.failedJob(jobId, reason),
        idle: () => this.#lifecycle.isIdle,
      },
    );
    const { link, queue, jobPrefix } = this.#conn;
    this.#workerWatch = new WorkerWatch(settings, link.where);
    const online = (): boolean => link.reachable && !this.#lifecycle.isBroken;
    this.#removal = new ResultRemoval(link.redis, jobPrefix, online);
    this.#stopped = new StoppedCalls({
      conn: this.#conn,
      table,
      canRun: online,
      withdrawn: (call) => (table.remove(call), call.future[kCancelUnstarted]()),
      afterWithdrawal: () => this.#pump(),
    });
    this.#settlement = new Settlement({
      table,
      delivery: settings.delivery,
      maxPayloadBytes: settings.maxPayloadBytes,
      removal: this.#removal,
      stopped: this.#stopped,
      send: (call) => (this.#sender.push([call]), this.#pump()),
      retry: (call, error) => this.#retries.offer(call, error),
      settled: () => this.#pump(),
    });
    this.#retries = new CallRetries(
      this.#lifecycle,
      (call) => this.#sender.nameRetry(call),
      (call) => (table.holdAgain(call), this.#pump()),
    );
    this.#intake = new CallIntake({
      lifecycle: this.#lifecycle,
      link,
      table,
      stopped: this.#stopped,
      defaults: settings.calls,
      maxPayloadBytes: settings.maxPayloadBytes,
      held: () => this.#pump(),
    });
    this.#attachment = new CallAttachment(settings, this.#conn, {
      lifecycle: this.#lifecycle,
      table,
      own: (id) => table.find(id) ?? this.#retries.find(id),
      ready: () => this.waitUntilReady(),
      adopted: () => (this.#reconciler.schedule(0), this.#lifecycle.notifyIdle()),
    });
    this.#sender = new JobSender({
      queue,
      redis: link.redis,
      table,
      signer: settings.key && new JobSigner(settings.key),
      ready: () => (this.#started ? this.#conn.events.awake() : this.#ready.catch(() => {})),
      canSend: online,
      isDown: () => !link.reachable,
      resendFor: settings.connectionTimeout,
      resultRetention: settings.resultRetention,
      redisNow: () => Date.now() + this.#conn.events.clockOffset,
      sent: (batch) => this.#stopped.sent(batch),
      failed: (call, error) => this.#settlement.settle(call, false, error),
    });
    this.#reconciler = new Reconciler({
      conn: this.#conn,
      table,
      interval: settings.reconcileInterval,
      outcomes: this.#settlement,
      canRun: online,
      // Shut down with calls held (a retry, no live worker yet): passes read the window.
      keepGoing: () =>
        !this.#lifecycle.isBroken && !(this.#closed && table.isIdle() && this.#retries.size === 0),
      beforePass: async () => {
        await this.#checkEpoch();
        if (!this.#lifecycle.isBroken) await this.#readWindow();
      },
      afterPass: () => {
        if (this.#stopped.size > 0) this.#stopped.schedule();
        this.#pump();
      },
    });
    (this.#ready = this.#start()).catch(() => {}); // seen through waitUntilReady()
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
    return Promise.race([this.#ready, this.#lifecycle.whenBroken()]);
  }

  override submit<F extends AnyFunction>(fn: F & WrapTheFunctionWithTask, ...args: Parameters<F>) {
    return this.submitWith({}, fn, ...args);
  }

  /** submit() with options: signal, and for a queue priority, retries, backoff and retryOn. */
  submitWith<F extends AnyFunction>(
    options: QueueSubmitOptions,
    fn: F & WrapTheFunctionWithTask,
    ...args: Parameters<F>
  ): QueueFuture<Result<F>> {
    return this.#intake.enqueue(new QueueFuture<Result<F>>(), fn, args, false, options);
  }

  /** Futures for calls this or another executor (even one since ended) sent, by QueueFuture#id. */
  attach(ids: Iterable<string>): QueueFuture<any>[] {
    return this.#attachment.attach(ids);
  }

  protected override submitChunk<A, R>(fn: (item: A) => R, chunk: { items(): A[] }): ChunkFuture<Awaited<R>> {
    return this.#intake.enqueue(new ChunkFuture<Awaited<R>>(), fn, chunk.items(), true, {});
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.#lifecycle.shutDown();
    // Only what is held here or waits out a backoff (else sent at once): a call in Redis is
    // running, and Python's cancelFutures lets running work finish.
    this.#retries.shutDown(cancelFutures);
    if (cancelFutures) for (const call of this.#table.drainHeld()) call.future.cancel();
    this.#closed ??= this.#lifecycle.whenIdle().then(() => this.#close());
    if (wait) await this.#closed;
  }

  /**
   * Stop now: cancel what is held here and the jobs in Redis that no worker took (withdrawn),
   * ask the workers to end the others, fail their futures with BrokenQueueExecutor instead of
   * waiting, and close the connections.
   */
  async terminateWorkers(): Promise<void> {
    this.#lifecycle.shutDown();
    this.#retries.shutDown(true);
    for (const call of this.#table.drainHeld()) call.future.cancel();
    if (!this.#lifecycle.isBroken) {
      this.#stopped.stop(this.#table.remote());
      await settledWithin(this.#stopped.withdraw(), 1000);
    }
    this.#failOutstanding(() => new BrokenQueueExecutor(TERMINATED));
    await this.#closed;
  }

  stats(): ExecutorStats {
    return this.#table.snapshot();
  }

  override toString(): string {
    const lifecycle = this.#lifecycle.state;
    const state = lifecycle === "open" && !this.#conn.link.reachable ? "disconnected" : lifecycle;
    return `QueueExecutor<queue=${this.queueName} window=${this.#window} held=${this.#table.heldCount} in-redis=${this.#table.remoteCount} ${state}>`;
  }

  /** Move held calls into the window and send them. */
  #pump(): void {
    if (!this.#lifecycle.isBroken) this.#sender.push(this.#table.admit(this.#window));
    this.#lifecycle.notifyIdle();
  }

  async #start(): Promise<void> {
    await this.#conn.open();
    await this.#readWindow();
    this.#started = true;
    this.#reconciler.schedule();
    this.#pump();
  }

  /** Redis that lost our epoch lost every job in it: break at once. */
  async #checkEpoch(): Promise<void> {
    const loss = await this.#conn.dataLoss(this.#table.remoteCount);
    if (loss) this.#break(loss);
  }

  /** The live workers' concurrency sizes the window (unless fixed); none at all is said. */
  async #readWindow(): Promise<void> {
    const live = await this.#conn.liveConcurrency();
    if (this.#settings.fixedWindow === undefined) this.#window = defaultWindow(live);
    this.#workerWatch.observe(live, this.#table.heldCount + this.#table.remoteCount);
  }

  #onBack(): void {
    // Back: check the epoch first (an empty Redis breaks us), then resend what never arrived.
    void this.#checkEpoch()
      .then(() => {
        if (this.#lifecycle.isBroken) return;
        this.#sender.push([...this.#table.remote()].filter((call) => call.sentAt === undefined));
        void this.#removal.flush(); // results read while Redis was away
        this.#reconciler.schedule(0);
      })
      .catch(() => {});
  }

  /** Fail every outstanding future, held or in Redis, and refuse new work. */
  #break(message: string): void {
    if (!this.#lifecycle.break(message)) return;
    this.#failOutstanding(() => this.#lifecycle.brokenError());
  }

  /** Fail every future held or in Redis with a new `error()` each, and close. */
  #failOutstanding(error: () => Error): void {
    this.#reconciler.stop();
    this.#attachment.stop(error);
    for (const call of this.#table.drainHeld()) if (!call.future.done()) call.future.setException(error());
    for (const call of this.#table.clearRemote()) call.future.setException(error());
    this.#retries.failAll(error);
    this.#stopped.clear();
    this.#sender.clear();
    this.#lifecycle.notifyIdle();
    // No more use for Redis: else a program that never shuts down lives on reconnect timers.
    this.#closed ??= this.#close();
  }

  async #close(): Promise<void> {
    this.#reconciler.stop();
    await this.#conn.close(this.#ready, () => this.#removal.flush());
  }
}
