// The producer's side of Redis for one queue: the connection and its state (redis-link.ts),
// BullMQ's Queue to add jobs, the completion events on a connection of their own, the epoch,
// and the live workers' concurrency; opened in order, closed with every step bounded.
import { Queue } from "bullmq";
import { CompletionEvents, type CompletionHandlers } from "./completion-events.ts";
import { futuresKeys } from "./connection.ts";
import type { QueueSettings } from "./executor-options.ts";
import { RedisEpoch } from "./redis-epoch.ts";
import { RedisLink } from "./redis-link.ts";
import { DISCONNECT_TIMEOUT } from "./redis-target.ts";
import { isRefusal, refusalMessage } from "./redis-errors.ts";
import { settledWithin } from "./settled-within.ts";
import { liveConcurrency } from "./worker-registry.ts";

export interface ConnectionHooks {
  /** The connection is ready again after an outage. */
  back(): void;
  /** Unreachable past connectionTimeout, or refused: the executor cannot go on. */
  broken(message: string): void;
  /** Closed with nothing outstanding: an outage no longer matters. */
  quiet(): boolean;
}

export class QueueConnection {
  readonly link: RedisLink;
  readonly queue: Queue;
  readonly events: CompletionEvents;
  readonly keys: ReturnType<typeof futuresKeys>;
  /** The queue's key prefix for jobs, such as "bull:NAME:". */
  readonly jobPrefix: string;
  readonly eventsKey: string;
  readonly #settings: QueueSettings;
  readonly #epoch: RedisEpoch;

  readonly #hooks: ConnectionHooks;
  #connected = false;

  constructor(settings: QueueSettings, hooks: ConnectionHooks, completion: CompletionHandlers) {
    this.#hooks = hooks;
    this.#settings = settings;
    this.keys = futuresKeys(settings.prefix, settings.queue);
    this.eventsKey = `${settings.prefix}:${settings.queue}:events`;
    // No offline queue: a command while Redis is unreachable fails at once instead of piling up.
    this.link = new RedisLink(
      settings.redis,
      {
        maxRetriesPerRequest: null,
        enableOfflineQueue: false,
        lazyConnect: false,
        retryStrategy: (times) => Math.min(50 * times, 1000),
        disconnectTimeout: DISCONNECT_TIMEOUT,
      },
      {
        up: () => {
          if (this.#connected) hooks.back();
        },
        down: () => {
          if (!hooks.quiet()) this.#expireWhileDown();
        },
        // Waiting for connectionTimeout would only hide the cause.
        refused: (message) => hooks.broken(message),
      },
      // A silent connection is found within half the deadline (at most 5 s), so that a
      // partition fails outstanding futures within about connectionTimeout, as an outage does.
      { every: 1_000, within: Math.min(5_000, (settings.connectionTimeout ?? Infinity) / 2) },
    );
    const { maxEvents } = settings;
    this.queue = new Queue(settings.queue, {
      connection: this.link.redis,
      prefix: settings.prefix,
      ...(maxEvents === undefined ? {} : { streams: { events: { maxLen: maxEvents } } }),
    });
    this.queue.on("error", () => {});
    this.jobPrefix = this.queue.toKey("");
    this.#epoch = new RedisEpoch(this.link.redis, this.keys.epoch, this.keys.generation);
    this.events = new CompletionEvents(completion);
    this.#expireWhileDown(); // the first connection has the same deadline as a reconnection
  }

  #expireWhileDown(): void {
    const ms = this.#settings.connectionTimeout;
    this.link.expireAfter(ms, () =>
      this.#hooks.broken(
        `Redis at ${this.link.where} was unreachable for ${ms! / 1000} s (last error: ${this.link.lastError})`,
      ),
    );
  }

  /**
   * Wait until Redis answers (however long: the deadline bounds it), check the database (a
   * missing one breaks the executor), listen to completion events from now on, claim the epoch.
   */
  async open(): Promise<void> {
    const redis = this.link.redis;
    await redis.ping().catch(async () => {
      await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
    });
    try {
      await this.link.checkDatabase();
    } catch (error) {
      this.#hooks.broken((error as Error).message);
      throw error;
    }
    const { redis: target, queue, prefix } = this.#settings;
    try {
      await this.events.subscribe(redis, target, queue, prefix);
      await this.#epoch.claim();
    } catch (error) {
      // A command the user may not run (ACL): waiting cannot help.
      if (isRefusal(error)) this.#hooks.broken(refusalMessage(this.link.where, error));
      throw error;
    }
    this.#connected = true;
  }

  /** Undefined while Redis is as we left it; else how it lost the data of our `jobs` outstanding jobs. */
  async dataLoss(jobs: number): Promise<string | undefined> {
    const state = await this.#epoch.check();
    if (state === "intact") return undefined;
    return state === "empty"
      ? `Redis at ${this.link.where} came back empty: ${jobs} jobs in it were lost`
      : `Redis at ${this.link.where} came back from an older snapshot: ${jobs} jobs in it may have run ` +
          `already, and a worker that saw the newer data runs none of them again`;
  }

  /** The total concurrency of the live workers of this queue. */
  liveConcurrency(): Promise<number> {
    return liveConcurrency(this.link.redis, this.keys.workers);
  }

  /** Close everything; `last` goes out first (read results' removal). Every step is bounded. */
  async close(started: Promise<void>, last: () => Promise<void>): Promise<void> {
    // With Redis gone, BullMQ's calls can wait for a reconnection.
    await settledWithin(started, 1000);
    // Let the last removals go out before the connection closes.
    await new Promise((resolve) => setImmediate(resolve));
    await settledWithin(last(), 2000);
    await this.events.close();
    await settledWithin(this.queue.close(), 1000);
    this.link.disconnect();
  }
}
