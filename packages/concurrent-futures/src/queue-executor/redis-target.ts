// Where a queue's connections go, whatever the topology: one server, a Sentinel master, or a
// Redis Cluster. Every connection of futures (and those it hands BullMQ) is made here, so the
// rest of the code sees one kind of client.
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { ConnectionOptions } from "bullmq";
import {
  connectionOptions,
  describeConnection,
  isCluster,
  type ClusterConnection,
  type Connection,
} from "./connection.ts";

/**
 * How long a cluster's commands keep retrying through a failover or a slot move (ioredis
 * follows MOVED and retries CLUSTERDOWN and TRYAGAIN): a master's failover takes about twice
 * cluster-node-timeout, and a job's result must not be lost to it.
 */
const CLUSTER_RETRY = { delay: 200, times: 100 };
/**
 * A MOVED waits this long before following: while a moved slot's new owner is being told,
 * two nodes can each name the other, and 100 redirections followed at once are spent in a
 * few milliseconds (ioredis' "ping pong"); this way they last 2 s.
 */
const MOVED_DELAY_MS = 20;

/**
 * How long a disconnect() waits for the socket to close before destroying it (ioredis: 2 s).
 * ioredis runs that timer even for a socket that closed already (disconnecting while waiting
 * to reconnect), and it keeps the process alive: closing needs no grace longer than this.
 */
export const DISCONNECT_TIMEOUT = 200;

/** A connection to one server or to a cluster: the commands futures uses are the same. */
export type RedisClient = Redis | Cluster;

export class RedisTarget {
  readonly options: RedisOptions | ClusterConnection;
  /** How messages show it: never a password. */
  readonly where: string;

  constructor(connection: Connection | undefined) {
    this.options = connectionOptions(connection);
    this.where = describeConnection(this.options);
  }

  get isCluster(): boolean {
    return isCluster(this.options);
  }

  /** A new connection; `client` says how it behaves (retries, offline queue). */
  connect(client: RedisOptions): RedisClient {
    const options = this.options;
    if (!isCluster(options)) return new Redis({ ...options, ...client });
    const { retryStrategy, enableOfflineQueue, lazyConnect, ...perNode } = client;
    return new Cluster([...options.cluster], {
      redisOptions: { ...options.redisOptions, ...perNode },
      maxRedirections: CLUSTER_RETRY.times,
      retryDelayOnMoved: MOVED_DELAY_MS,
      retryDelayOnFailover: CLUSTER_RETRY.delay,
      retryDelayOnClusterDown: CLUSTER_RETRY.delay,
      retryDelayOnTryAgain: CLUSTER_RETRY.delay,
      ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
    });
  }

  /**
   * BullMQ's connection for a reader that blocks (a Worker, QueueEvents): options for one
   * server, with `extra` over them; for a cluster the client itself, which BullMQ duplicates.
   */
  blocking(client: RedisClient, extra: RedisOptions = {}): ConnectionOptions {
    const options = this.options;
    if (isCluster(options)) return client as ConnectionOptions;
    return { ...options, ...extra, maxRetriesPerRequest: null } as ConnectionOptions;
  }

  /**
   * BullMQ's key prefix. In a cluster every key of a queue must live in one slot for its
   * scripts, so a prefix without a hash tag gets one: "bull" becomes "{bull}".
   */
  keyPrefix(prefix: string): string {
    return this.isCluster && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
  }

  /** For a Sentinel master, the host:port that a connection reached; else undefined. */
  masterAddress(client: RedisClient): string | undefined {
    const options = this.options;
    if (isCluster(options) || !options.sentinels?.length || !(client instanceof Redis)) return undefined;
    const socket = client.stream;
    return socket?.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : undefined;
  }

  /**
   * Fail with a clear message when the database asked for does not exist: ioredis reports the
   * failed SELECT as an error event and goes on in database 0, among other data.
   */
  async checkDatabase(redis: RedisClient): Promise<void> {
    const options = this.options;
    if (isCluster(options) || !options.db || !(redis instanceof Redis)) return;
    try {
      await redis.select(options.db);
    } catch (error) {
      throw new Error(`Redis at ${this.where} has no database ${options.db} (${(error as Error).message})`);
    }
  }
}
