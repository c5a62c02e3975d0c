// QueueExecutor's options: what each means, its default, and the checks the local pools make
// too (TypeError for a wrong type, RangeError out of range).
import { checkChoice, checkInteger, checkOptionalInteger, checkPeriod } from "../validate.ts";
import { callDefaults, type CallDefaults } from "./call-options.ts";
import { DEFAULT_PREFIX, type Connection } from "./connection.ts";
import { checkKey, type QueueKey } from "./job-signature.ts";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./payload.ts";
import { RedisTarget } from "./redis-target.ts";
import type { RetryOptions } from "./retry-policy.ts";

/** retries, backoff and retryOn here are every call's defaults; submitWith's own options win. */
export interface QueueExecutorOptions extends RetryOptions {
  /** BullMQ queue name; workers started with the same name run the jobs. */
  queue: string;
  /**
   * redis://HOST:PORT (default redis://127.0.0.1:6379), redis+sentinel://HOST:PORT/MASTER,
   * redis+cluster://HOST:PORT,..., rediss:// forms for TLS, ioredis options, or { cluster }.
   */
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
  /** BullMQ key prefix (default "bull"; in a cluster, given a hash tag: "{bull}"). */
  prefix?: string | undefined;
  /** A secret shared with the workers (16 bytes or more): every job is signed with it. */
  key?: QueueKey | undefined;
  /** Milliseconds calls may wait with no live worker before the executor says so (default 10,000). */
  noWorkerWarning?: number | undefined;
  /** Told what needs attention (no live worker); without it, a process warning on stderr. */
  onEvent?: ((event: QueueExecutorEvent) => void) | undefined;
  /** Every call's BullMQ priority unless submitWith gives one (default none; see QueueSubmitOptions). */
  priority?: number | undefined;
  /**
   * Milliseconds a result nobody read stays in Redis after its job finished, for attach()
   * (default 86,400,000: a day). A result read is removed at once.
   */
  resultRetention?: number | undefined;
}

/** Calls have waited with no live worker on the queue for noWorkerWarning ms (again each minute). */
export interface NoWorkerEvent {
  type: "no-worker";
  queue: string;
  /** host:port of Redis. */
  redis: string;
  /** Milliseconds since calls began to wait with no live worker. */
  waitingMs: number;
  message: string;
}

export type QueueExecutorEvent = NoWorkerEvent;

/** The options checked, with their defaults filled in. */
export interface QueueSettings {
  queue: string;
  redis: RedisTarget;
  /** Undefined: sized by the live workers. */
  fixedWindow: number | undefined;
  delivery: "at-most-once" | "at-least-once";
  /** Undefined: wait for Redis for ever. */
  connectionTimeout: number | undefined;
  reconcileInterval: number;
  maxPayloadBytes: number;
  maxEvents: number | undefined;
  prefix: string;
  key: Buffer | undefined;
  noWorkerWarning: number;
  onEvent: ((event: QueueExecutorEvent) => void) | undefined;
  /** Priority and retries of a call that says nothing of them. */
  calls: CallDefaults;
  resultRetention: number;
}

function checkOptionalFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`${name} must be a function, got ${typeof value}`);
  }
  return value;
}

export function queueSettings(options: QueueExecutorOptions): QueueSettings {
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
    key,
    noWorkerWarning = 10_000,
    onEvent,
    resultRetention = 24 * 3600 * 1000,
  } = options;
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) {
    throw new TypeError(`queue must be a non-empty name without ':', got ${String(queue)}`);
  }
  if (typeof prefix !== "string" || prefix === "") {
    throw new TypeError(`prefix must be a non-empty string, got ${String(prefix)}`);
  }
  const redis = new RedisTarget(connection);
  return {
    queue,
    delivery: checkChoice("delivery", delivery, ["at-most-once", "at-least-once"]),
    fixedWindow: checkOptionalInteger("window", window, 1),
    connectionTimeout: checkPeriod("connectionTimeout", connectionTimeout, true),
    reconcileInterval: checkPeriod("reconcileInterval", reconcileInterval)!,
    maxPayloadBytes: checkInteger("maxPayloadBytes", maxPayloadBytes, 1),
    maxEvents: checkOptionalInteger("maxEvents", maxEvents, 1),
    redis,
    prefix: redis.keyPrefix(prefix),
    key: checkKey(key),
    noWorkerWarning: checkPeriod("noWorkerWarning", noWorkerWarning)!,
    onEvent: checkOptionalFunction("onEvent", onEvent),
    calls: callDefaults(options),
    resultRetention: checkPeriod("resultRetention", resultRetention)!,
  };
}

/**
 * The window when the options fix none: twice the live workers' concurrency, and at least
 * 512 jobs beyond it, so that workers never find the queue empty while the producer tops it
 * up (at 128 workers' slots, 256 jobs left them waiting for work: 0.55x the throughput of
 * raw BullMQ, 0.69x with 512 or more). No live worker: nothing goes to Redis.
 */
export function defaultWindow(liveConcurrency: number): number {
  return liveConcurrency === 0 ? 0 : Math.max(2 * liveConcurrency, liveConcurrency + 512);
}
