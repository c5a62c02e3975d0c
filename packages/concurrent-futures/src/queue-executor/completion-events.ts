// The queue's completion events from the moment of subscribing, read on a connection of its
// own (its reads block) by BullMQ's QueueEvents, whose read loop is replaced by one that looks
// only at completions and failures: a job leaves four events in the stream, and decoding each
// into an object and emitting it twice cost the producer more than settling its call. Remembers
// the last completion read, so that reconciliation can tell whether Redis trimmed events
// nobody saw.
import { QueueEvents, type IRedisClient, type QueueEventsOptions } from "bullmq";
import { DISCONNECT_TIMEOUT, type RedisClient, type RedisTarget } from "./redis-target.ts";
import { settledWithin } from "./settled-within.ts";

export interface CompletionHandlers {
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
}

/** How long one read blocks: QueueEvents' default, which its watchdog on a stuck read follows. */
const BLOCK_MS = 10_000;

/** BullMQ's QueueEvents (its connection, its watchdog on stuck reads, its close), read our way. */
class CompletionReader extends QueueEvents {
  readonly #handlers: CompletionHandlers;
  readonly #read: (id: string) => void;

  constructor(
    queue: string,
    options: QueueEventsOptions,
    handlers: CompletionHandlers,
    read: (id: string) => void,
  ) {
    super(queue, { ...options, blockingTimeout: BLOCK_MS, autorun: false });
    this.#handlers = handlers;
    this.#read = read;
    void this.#consume(options.lastEventId!).catch((error: unknown) => this.emit("error", error as Error));
  }

  /** QueueEvents' loop: read from `id` until closed; an error waits a moment (checkConnectionError). */
  async #consume(from: string): Promise<void> {
    await this.backend.setName(this.clientName(":qe"));
    let id = from;
    while (!this.closing) {
      const streams = await this.checkConnectionError(() => this.backend.readEvents(id, BLOCK_MS));
      const entries = streams?.[0]?.[1];
      if (!entries) continue;
      for (const [entryId, fields] of entries) {
        id = entryId;
        if (fields[0] === "event" && (fields[1] === "completed" || fields[1] === "failed")) {
          this.#read(entryId);
          try {
            this.#outcome(fields[1], fields);
          } catch (error) {
            this.emit("error", error as Error); // as QueueEvents' emit did: the loop goes on
          }
        }
      }
    }
  }

  /** A completion or failure entry: its fields in pairs, name then value. */
  #outcome(event: "completed" | "failed", fields: string[]): void {
    let jobId: string | undefined;
    let value: string | undefined;
    const wanted = event === "completed" ? "returnvalue" : "failedReason";
    for (let i = 2; i + 1 < fields.length; i += 2) {
      if (fields[i] === "jobId") jobId = fields[i + 1];
      else if (fields[i] === wanted) value = fields[i + 1];
    }
    if (jobId === undefined) return;
    if (event === "failed") this.#handlers.failed(jobId, value ?? "");
    else this.#handlers.completed(jobId, parseReturnValue(value));
  }
}

/** BullMQ stores a return value as JSON; text that is not JSON is passed on for the outcome's check to refuse. */
function parseReturnValue(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

export class CompletionEvents {
  readonly #handlers: CompletionHandlers;
  #events: QueueEvents | undefined;
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
    const events = new CompletionReader(
      queue,
      {
        connection: target.blocking(redis, { disconnectTimeout: DISCONNECT_TIMEOUT }),
        prefix,
        lastEventId: this.#lastReadId,
      },
      this.#handlers,
      (id) => (this.#lastReadId = id),
    );
    this.#events = events;
    events.on("error", () => {});
    await events.waitUntilReady();
    this.#client = await events.getBackend().client;
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
