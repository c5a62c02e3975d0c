// Where Redis is, and the few keys futures keeps beside BullMQ's own.
import type { RedisOptions } from "ioredis";

/** A redis:// or rediss:// URL, or ioredis options. */
export type Connection = string | RedisOptions;

export const DEFAULT_CONNECTION = "redis://127.0.0.1:6379";

/** ioredis options for a connection given as a URL or as options. */
export function redisOptions(connection: Connection = DEFAULT_CONNECTION): RedisOptions {
  if (typeof connection !== "string") return { ...connection };
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new TypeError(`not a Redis URL: ${connection} (expected redis://HOST:PORT)`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new TypeError(`not a Redis URL: ${connection} (expected redis://HOST:PORT)`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new TypeError(`bad database number in ${connection}`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db,
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/** How a connection is shown in messages: host:port, never a password. */
export function describeConnection(options: RedisOptions): string {
  return `${options.host ?? "127.0.0.1"}:${options.port ?? 6379}`;
}

/** Keys of a queue that futures itself keeps, under BullMQ's prefix. */
export function futuresKeys(prefix: string, queue: string) {
  const base = `${prefix}:${queue}:futures`;
  return {
    /** A random value set once: missing after a restart means Redis came back empty. */
    epoch: `${base}:epoch`,
    /** Hash of live workers: worker id -> "concurrency expiresAt". */
    workers: `${base}:workers`,
    /** Pub/sub channel: job ids whose running task the producer wants aborted. */
    abort: `${base}:abort`,
  };
}

export const DEFAULT_PREFIX = "bull";
