// The queue's completion events from the moment of subscribing, read with BullMQ's
// QueueEvents on a connection of its own (its reads block). Remembers the last event read,
// so that reconciliation can tell whether Redis trimmed events nobody saw.
import { QueueEvents } from "bullmq";
import type { RedisClient, RedisTarget } from "./redis-target.ts";
import { settledWithin } from "./settled-within.ts";

export interface CompletionHandlers {
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
}

export class CompletionEvents {
  readonly #handlers: CompletionHandlers;
  #events: QueueEvents | undefined;
  #lastReadId = "0-0";
  #clockOffset = 0;
  #closed = false;

  constructor(handlers: CompletionHandlers) {
    this.#handlers = handlers;
  }

  /**
   * Subscribe to the events of `queue` from now on, in Redis's clock: nothing of ours is older.
   * The subscription exists as soon as this is called, so that close() ends it even if it
   * never became ready.
   */
  async subscribe(redis: RedisClient, target: RedisTarget, queue: string, prefix: string): Promise<void> {
    const [seconds, micros] = await redis.time();
    if (this.#closed) return;
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    this.#clockOffset = redisNow - Date.now();
    this.#lastReadId = `${redisNow - 1}-0`;
    const events = new QueueEvents(queue, {
      connection: target.blocking(redis),
      prefix,
      lastEventId: this.#lastReadId,
    });
    this.#events = events;
    events.on("error", () => {});
    events.on("completed", ({ jobId, returnvalue }, id) => {
      this.#lastReadId = id;
      this.#handlers.completed(jobId, returnvalue as unknown);
    });
    events.on("failed", ({ jobId, failedReason }, id) => {
      this.#lastReadId = id;
      this.#handlers.failed(jobId, failedReason);
    });
    await events.waitUntilReady();
  }

  /** Milliseconds Redis's clock is ahead of this process's (as read when subscribing). */
  get clockOffset(): number {
    return this.#clockOffset;
  }

  /** Id of the last completion event read (or of the moment of subscribing). */
  get lastReadId(): string {
    return this.#lastReadId;
  }

  /** Stop reading; bounded, since with Redis gone BullMQ's close can wait for a reconnection. */
  async close(): Promise<void> {
    this.#closed = true;
    if (!this.#events) return;
    // BullMQ's close marks the reader closing, then drops the connection, which interrupts a
    // blocking read. A disconnect() of our own before it made the reader take the drop for an
    // outage and wait 5 s to retry, on a timer that kept the process alive.
    await settledWithin(this.#events.close(), 2000);
  }
}
