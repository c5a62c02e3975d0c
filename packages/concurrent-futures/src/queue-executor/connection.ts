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

/**
 * The connection with `ca` (PEM) trusted by every TLS connection it makes: each cluster node,
 * a Sentinel master and its sentinels, or the one server. A TypeError when it is not TLS.
 */
export function withCertificateAuthority(
  connection: Connection,
  ca: string | Buffer,
): RedisOptions | ClusterConnection {
  const options = connectionOptions(connection);
  if (isCluster(options)) {
    const nodes = options.redisOptions ?? {};
    if (!nodes.tls) throw new TypeError("a certificate authority needs a TLS connection (rediss+cluster://)");
    return { ...options, redisOptions: { ...nodes, tls: trusting(nodes.tls, ca) } };
  }
  if (!options.tls)
    throw new TypeError("a certificate authority needs a TLS connection (rediss://, rediss+sentinel://)");
  return {
    ...options,
    tls: trusting(options.tls, ca),
    ...(options.sentinelTLS ? { sentinelTLS: { ...options.sentinelTLS, ca } } : {}),
  };
}

/**
 * TLS options with `ca` as their certificate authority. ioredis 6.1 also takes the name of a
 * TLS profile (RedisCloudFixed): the profile stays, as `profile`, and `ca` replaces its own.
 */
function trusting(tls: NonNullable<RedisOptions["tls"]>, ca: string | Buffer): RedisOptions["tls"] {
  return typeof tls === "string" ? { profile: tls, ca } : { ...tls, ca };
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
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  // A query may carry a password (?password=...), as other clients read it.
  const query = text.indexOf("?");
  const shown = query < 0 ? text : `${text.slice(0, query)}?***`;
  const at = shown.lastIndexOf("@");
  if (at >= 0) return `${scheme}***${shown.slice(at)}`;
  // No "@": "user:secret/..." or "default:secret" has a colon followed by more than a port.
  const rest = shown.slice(scheme.length);
  const authority = rest.split(/[/?#]/)[0]!;
  const hosts = authority.split(",");
  const portsOnly = hosts.every((host) => /^(\[[^\]]*\]|[^:]*)(:\d*)?$/.test(host));
  return portsOnly ? shown : `${scheme}***${rest.slice(authority.length)}`;
}

/**
 * How a connection is shown in messages, never with a password: host:port; for Sentinel, the
 * master's name and the sentinels; for a cluster, its seed nodes.
 */
export function describeConnection(connection: Connection): string {
  const options = connectionOptions(connection);
  const at = (nodes: readonly Partial<{ host: string | null; port: number | null }>[]): string =>
    nodes.map((node) => `${bracketed(node.host ?? "127.0.0.1")}:${node.port ?? 6379}`).join(",");
  if (isCluster(options)) return `cluster ${at(options.cluster)}`;
  if (options.sentinels?.length)
    return `master '${options.name ?? "mymaster"}' via sentinel ${at(options.sentinels)}`;
  return at([options]);
}

/** An IPv6 address in brackets, as in a URL, so that its port reads apart from it. */
function bracketed(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Keys of a queue that futures itself keeps, under BullMQ's prefix. */
export function futuresKeys(prefix: string, queue: string) {
  const base = `${prefix}:${queue}:futures`;
  return {
    /** A random value set once: missing after a restart means Redis came back empty. */
    epoch: `${base}:epoch`,
    /** A count every producer and worker advances at its checks: going back means a rollback. */
    generation: `${base}:generation`,
    /** Hash of live workers: worker id -> concurrency; `<workers>:<id>` says it is alive. */
    workers: `${base}:workers`,
    /** Sorted set: worker id -> when it last beat (ms), for `queueStatus`; kept an hour. */
    seen: `${base}:seen`,
    /** `<lastBeat>:<id>` holds a worker's last heartbeat (host, pid, jobs), kept an hour. */
    lastBeat: `${base}:last-beat`,
    /** Pub/sub channel: job ids whose running task the producer wants aborted. */
    abort: `${base}:abort`,
  };
}

export const DEFAULT_PREFIX = "bull";
