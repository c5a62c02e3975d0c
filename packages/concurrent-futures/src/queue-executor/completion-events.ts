// The queue's completion events from the moment of subscribing, read on a connection of its
// own (its reads block; completion-reader.ts). Remembers the last completion read, so that
// reconciliation can tell whether Redis trimmed events nobody saw. An executor with nothing in
// Redis that sent nothing for a while stops reading, and reads again from the moment of its
// next send (in Redis's clock, before the send goes): with several producers on one queue,
// each idle one decoded every event of the others' jobs.
import type { IRedisClient } from "bullmq";
import { CompletionReader } from "./completion-reader.ts";
import { DISCONNECT_TIMEOUT, type RedisClient, type RedisTarget } from "./redis-target.ts";
import { settledWithin } from "./settled-within.ts";

export interface CompletionHandlers {
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
  /** Nothing of the executor's is in Redis or waits to be sent again (a retry's backoff). */
  idle(): boolean;
}

/** Milliseconds an idle executor goes without sending before it stops reading events. */
const QUIET_MS = 1_000;

export class CompletionEvents {
  readonly #handlers: CompletionHandlers;
  #events: CompletionReader | undefined;
  /** The connection for Redis's clock when reading starts again. */
  #redis: RedisClient | undefined;
  /** performance.now() of the last send (or of subscribing). */
  #sentAt = performance.now();
  #waking: Promise<void> | undefined;
  /** The reader's own connection, once it was ready. */
  #client: IRedisClient | undefined;
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
    this.#redis = redis;
    this.#sentAt = performance.now();
    const handlers = this.#handlers;
    const events = new CompletionReader(
      queue,
      {
        connection: target.blocking(redis, { disconnectTimeout: DISCONNECT_TIMEOUT }),
        prefix,
        lastEventId: this.#lastReadId,
      },
      {
        completed: (jobId, returnvalue) => handlers.completed(jobId, returnvalue),
        failed: (jobId, reason) => handlers.failed(jobId, reason),
        read: (id) => (this.#lastReadId = id),
        quiet: () => handlers.idle() && performance.now() - this.#sentAt >= QUIET_MS,
      },
    );
    this.#events = events;
    events.on("error", () => {});
    await events.waitUntilReady();
    this.#client = await events.getBackend().client;
  }

  /**
   * Before a send (or an attach): undefined while reading; when the reader is parked, a
   * promise that resolves once it reads again from now, so that it sees the send's events.
   */
  awake(): Promise<void> | undefined {
    this.#sentAt = performance.now();
    const events = this.#events;
    if (!events?.parked || this.#closed) return undefined;
    this.#waking ??= this.#redisNow().then((now) => {
      this.#waking = undefined;
      this.#lastReadId = `${now - 1}-0`;
      events.resume(this.#lastReadId);
    });
    return this.#waking;
  }

  /** Redis's clock (ms); from ours a second back if Redis does not answer (reading more is harmless). */
  async #redisNow(): Promise<number> {
    try {
      const [seconds, micros] = await this.#redis!.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    } catch {
      return Date.now() + this.#clockOffset - 1000;
    }
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
    const closing = this.#events.close();
    closing.catch(() => {});
    this.#events.resume(this.#lastReadId); // a parked loop sees the close and ends
    // Not ready: no read on the wire to interrupt, but maybe one kept to be sent again.
    const client = this.#client;
    if (client && !client.isCluster && client.status !== "ready") {
      endWhileReconnecting(client);
      return; // BullMQ's close may wait for an "end" that never comes
    }
    await settledWithin(closing, 2000);
  }
}

/**
 * End a connection that waits to reconnect. ioredis ends it without a "close" or an "end"
 * (redis/ioredis#1247), so the read that the outage interrupted, kept to be sent again, never
 * settles, and BullMQ's watchdog on that read, a timer of blockingTimeout + 1 s, keeps the
 * process alive until it fires: about 11 s after a break on a Redis that came back empty.
 * Its commands are rejected as ioredis rejects them on a close, which ends the read at once.
 */
function endWhileReconnecting(client: IRedisClient): void {
  client.disconnect(); // no reconnection, whether BullMQ's close got this far or not
  // Private in ioredis: if a version renames it, the close still ends, bounded by its caller.
  const stranded = client as unknown as Partial<StrandedCommands>;
  if (typeof stranded.flushQueue === "function") stranded.flushQueue(new Error("Connection is closed."));
}

/** How ioredis's close handler rejects what a client holds (a method it keeps private). */
interface StrandedCommands {
  flushQueue(error: Error): void;
}
