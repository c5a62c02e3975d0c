// One connection to Redis and its state, as QueueExecutor and QueueWorker both need it:
// reachable or not (ioredis reconnects by itself), the last error seen, Redis refusing our
// credentials, an optional deadline for staying unreachable, and a heartbeat of its own: a
// partition that drops packets without a reset never closes the socket, so a PING that gets
// no answer in time is taken for a lost connection, and the link reconnects.
import type { RedisOptions } from "ioredis";
import { isRefusal, refusalMessage } from "./redis-errors.ts";
import type { RedisClient, RedisTarget } from "./redis-target.ts";

export interface RedisLinkEvents {
  /** The connection is ready: first connected, or back. */
  up?(): void;
  /** The connection closed (on every failed reconnection too). */
  down?(): void;
  /** Redis refused our credentials or permissions: waiting cannot help. */
  refused?(message: string): void;
}

/** PING every `every` ms; no answer within `within` ms means the connection is lost. */
export interface Heartbeat {
  every: number;
  within: number;
}

export class RedisLink {
  readonly redis: RedisClient;
  readonly target: RedisTarget;
  /** host:port, for messages: never a password. */
  /** Where the link last connected, when Sentinel chose it: the master actually used. */
  #master: string | undefined;
  #reachable = true;
  #everReady = false;
  #lastError = "connection closed";
  #deadline: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #pinging = false;

  /** `target` says where Redis is; `client` adds how this connection behaves. */
  constructor(
    target: RedisTarget,
    client: RedisOptions,
    events: RedisLinkEvents = {},
    heartbeat: Heartbeat = { every: 1_000, within: 5_000 },
  ) {
    this.target = target;
    this.redis = target.connect(client);
    // A cluster reports a node's error as "Failed to refresh slots cache", with the node's
    // own error beside it, and as a "node error" event.
    const onError = (error: Error & { lastNodeError?: Error }): void => {
      const cause = error.lastNodeError ?? error;
      this.#lastError = cause.message;
      if (isRefusal(cause)) events.refused?.(refusalMessage(this.where, cause));
      // Through Sentinel a failed connection may only say "error", never "close": before the
      // first ready, an error is news of a connection that is down.
      else if (!this.#everReady) events.down?.();
    };
    this.redis.on("error", onError);
    this.redis.on("node error", onError);
    this.redis.on("ready", () => {
      this.#master = target.masterAddress(this.redis);
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
    this.#heartbeat = setInterval(() => this.#beat(heartbeat.within), heartbeat.every);
    this.#heartbeat.unref();
  }

  #beat(within: number): void {
    if (!this.#reachable || !this.#everReady || this.#pinging) return;
    this.#pinging = true;
    const silent = setTimeout(() => {
      this.#pinging = false;
      this.#lastError = `no answer to PING in ${within / 1000} s`;
      // Closing makes it an outage like any other (the deadline runs); ioredis reconnects.
      this.redis.disconnect(true);
    }, within);
    silent.unref();
    const answered = (): void => {
      clearTimeout(silent);
      this.#pinging = false;
    };
    this.redis.ping().then(answered, answered);
  }

  /** How messages name Redis: host:port, a cluster's nodes, or a Sentinel master and the one in use. */
  get where(): string {
    return this.#master ? `${this.target.where}, at ${this.#master}` : this.target.where;
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
    return this.target.checkDatabase(this.redis);
  }

  disconnect(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
    this.redis.disconnect();
  }
}
