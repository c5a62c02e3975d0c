// One connection to Redis and its state, as QueueExecutor and QueueWorker both need it:
// reachable or not (ioredis reconnects by itself), the last error seen, Redis refusing our
// credentials, and an optional deadline for staying unreachable.
import { Redis, type RedisOptions } from "ioredis";
import { checkDatabase, describeConnection } from "./connection.ts";
import { isRefusal } from "./redis-errors.ts";

export interface RedisLinkEvents {
  /** The connection is ready: first connected, or back. */
  up?(): void;
  /** The connection closed (on every failed reconnection too). */
  down?(): void;
  /** Redis refused our credentials or permissions: waiting cannot help. */
  refused?(message: string): void;
}

export class RedisLink {
  readonly redis: Redis;
  readonly options: RedisOptions;
  /** host:port, for messages: never a password. */
  readonly where: string;
  #reachable = true;
  #everReady = false;
  #lastError = "connection closed";
  #deadline: NodeJS.Timeout | undefined;

  /** `options` say where Redis is; `client` adds how this connection behaves. */
  constructor(options: RedisOptions, client: RedisOptions, events: RedisLinkEvents = {}) {
    this.options = options;
    this.where = describeConnection(options);
    this.redis = new Redis({ ...options, ...client });
    this.redis.on("error", (error: Error) => {
      this.#lastError = error.message;
      if (isRefusal(error)) events.refused?.(`Redis at ${this.where} refused us: ${error.message}`);
    });
    this.redis.on("ready", () => {
      this.#reachable = true;
      this.#everReady = true;
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
      events.up?.();
    });
    this.redis.on("close", () => {
      this.#reachable = false;
      events.down?.();
    });
  }

  /** False from the moment the connection closed until it is ready again. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** The message of the last connection error, for "connection lost" reports. */
  get lastError(): string {
    return this.#lastError;
  }

  /**
   * Call `expired` if Redis is still unreachable (or was never reached) `ms` from now; a
   * deadline already running is kept. Undefined `ms`: wait for ever.
   */
  expireAfter(ms: number | undefined, expired: () => void): void {
    if (this.#deadline || ms === undefined) return;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      if (!this.#reachable || !this.#everReady) expired();
    }, ms);
    this.#deadline.unref();
  }

  /** Fail with a clear message when the database asked for does not exist. */
  checkDatabase(): Promise<void> {
    return checkDatabase(this.redis, this.options);
  }

  disconnect(): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
    this.redis.disconnect();
  }
}
