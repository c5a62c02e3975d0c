// Where Redis is, and the few keys futures keeps beside BullMQ's own.
import type { Redis, RedisOptions } from "ioredis";

/** A redis:// or rediss:// URL, or ioredis options. */
export type Connection = string | RedisOptions;

export const DEFAULT_CONNECTION = "redis://127.0.0.1:6379";

/** ioredis options for a connection given as a URL or as options. */
export function redisOptions(connection: Connection = DEFAULT_CONNECTION): RedisOptions {
  if (typeof connection === "object" && connection !== null) return { ...connection };
  if (typeof connection !== "string") {
    throw new TypeError(`connection must be a redis:// URL or ioredis options, got ${String(connection)}`);
  }
  // Messages show the URL without its password, however malformed it is.
  const shown = withoutPassword(connection);
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new TypeError(`not a Redis URL: ${shown} (expected redis://HOST:PORT)`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new TypeError(`not a Redis URL: ${shown} (expected redis://HOST:PORT)`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new TypeError(`bad database number in ${shown}`);
  // The URL parser takes port 0, where nothing can listen.
  if (url.port === "0") throw new TypeError(`bad port in ${shown} (expected 1 to 65535)`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db,
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * A connection URL as messages may show it: whatever stands between the scheme and the last
 * "@" (user and password, however malformed: a password may hold "/", "?" or "@") is "***".
 */
export function withoutPassword(text: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  return `${scheme}***${text.slice(at)}`;
}

/**
 * Fail with a clear message when the database asked for does not exist: ioredis reports the
 * failed SELECT as an error event and goes on in database 0, among other data.
 */
export async function checkDatabase(redis: Redis, options: RedisOptions): Promise<void> {
  if (!options.db) return;
  try {
    await redis.select(options.db);
  } catch (error) {
    throw new Error(
      `Redis at ${describeConnection(options)} has no database ${options.db} (${(error as Error).message})`,
    );
  }
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
