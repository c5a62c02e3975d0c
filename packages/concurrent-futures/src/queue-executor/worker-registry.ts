// Live workers announce their concurrency in Redis, so that producers size their window of
// jobs (about twice the total) without being told. A worker that stops refreshing its
// liveness key drops out within seconds. The id is the one BullMQ puts in its job locks
// ("<worker id>:<n>"), so that a producer can tell a running job's worker is gone.
//
// Each heartbeat also leaves the worker's details (host, pid, jobs running and finished) in a
// key of their own that outlives the liveness key by an hour, and its time in a sorted set:
// `queueStatus` (queue-status.ts) lists the live workers and, from the same keys, the silent
// ones, with how long Redis has not heard from them. The liveness key stays "1": producers'
// scripts only ask whether it exists, and the details matter most once it is gone.
import type { RedisClient } from "./redis-target.ts";

const LIVENESS_MS = 6_000;
export const HEARTBEAT_MS = 2_000;
/** How long a silent worker's last heartbeat is kept, and so reported. */
export const LAST_BEAT_KEPT_MS = 3_600_000;
/** A heartbeat is a few hundred bytes: longer is not ours, and is not read whole. */
const MAX_BEAT_BYTES = 4_096;

/** The keys of the registry (see futuresKeys in connection.ts). */
export interface RegistryKeys {
  workers: string;
  generation: string;
  seen: string;
  lastBeat: string;
}

/** What a worker says of itself at each heartbeat. */
export interface WorkerBeat {
  host: string;
  pid: number;
  executor: string;
  concurrency: number;
  /** Jobs it runs now. */
  running: number;
  /** Jobs it finished (with a result or an error) in the last 60 s. */
  finishedLastMinute: number;
  /** Milliseconds its job locks last without renewal. */
  lockDuration: number;
  /** When it started, and when it sent this beat (ms since the epoch, its own clock). */
  startedAt: number;
  at: number;
}

/** Workers' liveness keys are this prefix and the worker's id (BullMQ's worker id). */
export function livenessPrefix(workersKey: string): string {
  return `${workersKey}:`;
}

function livenessKey(workersKey: string, workerId: string): string {
  return `${livenessPrefix(workersKey)}${workerId}`;
}

function lastBeatKey(keys: RegistryKeys, workerId: string): string {
  return `${keys.lastBeat}:${workerId}`;
}

/**
 * Announce (or refresh) a worker, and advance the queue's generation (redis-epoch.ts): gives
 * the generation's new value. One transaction: the details cost no extra round trip.
 */
export async function announceWorker(
  redis: RedisClient,
  keys: RegistryKeys,
  workerId: string,
  beat: WorkerBeat,
): Promise<number> {
  const replies = await redis
    .multi()
    .hset(keys.workers, workerId, String(beat.concurrency))
    .set(livenessKey(keys.workers, workerId), "1", "PX", LIVENESS_MS)
    .set(lastBeatKey(keys, workerId), JSON.stringify(beat), "PX", LAST_BEAT_KEPT_MS)
    .zadd(keys.seen, beat.at, workerId)
    // Workers silent for over an hour are forgotten (their last-beat keys expired already).
    .zremrangebyscore(keys.seen, "-inf", `(${beat.at - LAST_BEAT_KEPT_MS}`)
    .incr(keys.generation)
    .exec();
  return Number(replies?.[5]?.[1]);
}

/** A worker that stops on purpose leaves no trace: it is not silent, it is gone. */
export async function withdrawWorker(
  redis: RedisClient,
  keys: RegistryKeys,
  workerId: string,
): Promise<void> {
  await redis
    .multi()
    .hdel(keys.workers, workerId)
    .del(livenessKey(keys.workers, workerId))
    .del(lastBeatKey(keys, workerId))
    .zrem(keys.seen, workerId)
    .exec();
}

/** A worker as the registry last heard of it. */
export interface SeenWorker {
  id: string;
  /** Its liveness key is there: it beat within the last few seconds. */
  alive: boolean;
  /** Its last heartbeat; undefined when unreadable (not written by a worker of ours). */
  beat: WorkerBeat | undefined;
  /** Milliseconds since its last heartbeat, by Redis's clock (the key's age). */
  sinceBeat: number;
}

/**
 * The `limit` workers heard from most recently (the live ones first: they beat every 2 s),
 * and how many the registry knows in all.
 */
export async function seenWorkers(
  redis: RedisClient,
  keys: RegistryKeys,
  limit: number,
): Promise<{ workers: SeenWorker[]; total: number }> {
  const [ids, total] = await Promise.all([redis.zrevrange(keys.seen, 0, limit - 1), redis.zcard(keys.seen)]);
  if (ids.length === 0) return { workers: [], total };
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.exists(livenessKey(keys.workers, id));
    pipeline.getrange(lastBeatKey(keys, id), 0, MAX_BEAT_BYTES - 1);
    pipeline.pttl(lastBeatKey(keys, id));
  }
  const replies = (await pipeline.exec()) ?? [];
  const workers: SeenWorker[] = [];
  ids.forEach((id, i) => {
    const [exists, text, ttl] = replies.slice(3 * i, 3 * i + 3).map(([, reply]) => reply);
    // No last-beat key: expired with the hour, or removed as its worker stopped.
    if (typeof ttl !== "number" || ttl < 0) return;
    workers.push({ id, alive: exists === 1, beat: readBeat(text), sinceBeat: LAST_BEAT_KEPT_MS - ttl });
  });
  return { workers, total };
}

/** A heartbeat's fields, in the order they are shown, and what each must be. */
const BEAT_FIELDS: readonly [keyof WorkerBeat, "string" | "number"][] = [
  ["host", "string"],
  ["pid", "number"],
  ["executor", "string"],
  ["concurrency", "number"],
  ["running", "number"],
  ["finishedLastMinute", "number"],
  ["lockDuration", "number"],
  ["startedAt", "number"],
  ["at", "number"],
];

/** A heartbeat read back, checked field by field: Redis may hold anything. */
function readBeat(text: unknown): WorkerBeat | undefined {
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const beat = value as Record<string, unknown>;
  const valid = BEAT_FIELDS.every(([name, type]) =>
    type === "number" ? Number.isFinite(beat[name]) : typeof beat[name] === "string",
  );
  if (!valid) return undefined;
  return Object.fromEntries(BEAT_FIELDS.map(([name]) => [name, beat[name]])) as unknown as WorkerBeat;
}

/** The total concurrency of live workers; forgets workers whose liveness key expired. */
export async function liveConcurrency(redis: RedisClient, workersKey: string): Promise<number> {
  const workers = await redis.hgetall(workersKey);
  const ids = Object.keys(workers);
  if (ids.length === 0) return 0;
  const alive = await redis.exists(...ids.map((id) => livenessKey(workersKey, id)));
  if (alive === ids.length) return ids.reduce((sum, id) => sum + Number(workers[id]), 0);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.exists(livenessKey(workersKey, id));
  const replies = (await pipeline.exec()) ?? [];
  let total = 0;
  const dead: string[] = [];
  replies.forEach(([, exists], i) => {
    if (exists === 1) total += Number(workers[ids[i]!]);
    else dead.push(ids[i]!);
  });
  if (dead.length > 0) await redis.hdel(workersKey, ...dead);
  return total;
}
