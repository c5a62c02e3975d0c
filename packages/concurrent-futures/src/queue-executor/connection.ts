// Where Redis is: a URL (connection-url.ts), ioredis options for one server or a Sentinel
// master, or a cluster's nodes; how messages show it; the keys futures keeps beside BullMQ's.
import type { RedisOptions } from "ioredis";
import { optionsFromUrl, type ClusterConnection } from "./connection-url.ts";

export type { ClusterConnection };

/** A redis://, rediss://, redis+sentinel:// or redis+cluster:// URL, or ioredis options. */
export type Connection = string | RedisOptions | ClusterConnection;

export const DEFAULT_CONNECTION = "redis://127.0.0.1:6379";

/** What a connection stands for: ioredis options for one server (or Sentinel master), or a cluster. */
export function connectionOptions(
  connection: Connection = DEFAULT_CONNECTION,
): RedisOptions | ClusterConnection {
  if (typeof connection === "object" && connection !== null) {
    if (isCluster(connection)) {
      if (!Array.isArray(connection.cluster) || connection.cluster.length === 0) {
        throw new TypeError("cluster must list at least one node: [{ host, port }]");
      }
      return { cluster: [...connection.cluster], redisOptions: { ...connection.redisOptions } };
    }
    return { ...connection };
  }
  if (typeof connection !== "string") {
    throw new TypeError(`connection must be a Redis URL or ioredis options, got ${String(connection)}`);
  }
  // Messages show the URL without its password, however malformed it is.
  return optionsFromUrl(connection, withoutPassword(connection));
}

/** ioredis options for one server or a Sentinel master (a cluster URL is a TypeError). */
export function redisOptions(connection: Connection = DEFAULT_CONNECTION): RedisOptions {
  const options = connectionOptions(connection);
  if (isCluster(options))
    throw new TypeError("a cluster has no single server's options: use connectionOptions()");
  return options;
}

export function isCluster(options: RedisOptions | ClusterConnection): options is ClusterConnection {
  return "cluster" in options && options.cluster !== undefined;
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
 * How a connection is shown in messages, never with a password: host:port; for Sentinel, the
 * master's name and the sentinels; for a cluster, its seed nodes.
 */
export function describeConnection(connection: Connection): string {
  const options = connectionOptions(connection);
  const at = (nodes: readonly Partial<{ host: string | null; port: number | null }>[]): string =>
    nodes.map((node) => `${node.host ?? "127.0.0.1"}:${node.port ?? 6379}`).join(",");
  if (isCluster(options)) return `cluster ${at(options.cluster)}`;
  if (options.sentinels?.length)
    return `master '${options.name ?? "mymaster"}' via sentinel ${at(options.sentinels)}`;
  return at([options]);
}

/** Keys of a queue that futures itself keeps, under BullMQ's prefix. */
export function futuresKeys(prefix: string, queue: string) {
  const base = `${prefix}:${queue}:futures`;
  return {
    /** A random value set once: missing after a restart means Redis came back empty. */
    epoch: `${base}:epoch`,
    /** A count every producer and worker advances at its checks: going back means a rollback. */
    generation: `${base}:generation`,
    /** Hash of live workers: worker id -> "concurrency expiresAt". */
    workers: `${base}:workers`,
    /** Pub/sub channel: job ids whose running task the producer wants aborted. */
    abort: `${base}:abort`,
  };
}

export const DEFAULT_PREFIX = "bull";
