// Live workers announce their concurrency in Redis, so that producers size their window of
// jobs (about twice the total) without being told. A worker that stops refreshing its
// liveness key drops out within seconds. The id is the one BullMQ puts in its job locks
// ("<worker id>:<n>"), so that a producer can tell a running job's worker is gone.
//
// Each heartbeat also leaves the worker's details (host, pid, jobs running and finished) in a
// key of their own that outlives the liveness key by an hour, and its time (by Redis's clock) in
// a sorted set: `queueStatus` (queue-status.ts, read by registry-script.ts) lists the live
// workers and, from the same keys, the silent ones, with how long Redis has not heard from
// them. The liveness key stays "1": producers' scripts only ask whether it exists, and the
// details matter most once it is gone.
import { redisScript } from "./job-script.ts";
import { luaRedisNow } from "./redis-clock.ts";
import type { RedisClient } from "./redis-target.ts";

/** Longest worker id: BullMQ's are 36 characters; a longer one in the registry is not a worker's. */
export const MAX_WORKER_ID_LENGTH = 128;
const LIVENESS_MS = 6_000;
export const HEARTBEAT_MS = 2_000;
/** How long a silent worker's last heartbeat is kept, and so reported. */
export const LAST_BEAT_KEPT_MS = 3_600_000;

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

/** Workers' last heartbeats are in keys of this prefix and the worker's id. */
export function lastBeatPrefix(keys: RegistryKeys): string {
  return `${keys.lastBeat}:`;
}

function lastBeatKey(keys: RegistryKeys, workerId: string): string {
  return `${lastBeatPrefix(keys)}${workerId}`;
}

// One script, so that the heartbeat stays one round trip and the `seen` bookkeeping runs on
// Redis's clock (redis-clock.ts): a worker whose clock is an hour ahead would otherwise score
// itself in the future and prune every other worker. A key of the wrong type (forged) fails
// its own command only, as in a MULTI: the worker stays announced to producers.
const ANNOUNCE = `${luaRedisNow(6)}
redis.pcall('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.pcall('SET', KEYS[2], '1', 'PX', ARGV[4])
redis.pcall('SET', KEYS[3], ARGV[3], 'PX', ARGV[5])
redis.pcall('ZADD', KEYS[4], now, ARGV[1])
-- Workers silent for over an hour are forgotten (their last-beat keys expired already).
redis.pcall('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - tonumber(ARGV[5])))
return redis.call('INCR', KEYS[5])
`;

const announce = redisScript<number>("futuresAnnounceWorker", ANNOUNCE, 5);

/**
 * Announce (or refresh) a worker, and advance the queue's generation (redis-epoch.ts): gives
 * the generation's new value. One script: the details cost no extra round trip.
 */
export async function announceWorker(
  redis: RedisClient,
  keys: RegistryKeys,
  workerId: string,
  beat: WorkerBeat,
): Promise<number> {
  const keyNames = [
    keys.workers,
    livenessKey(keys.workers, workerId),
    lastBeatKey(keys, workerId),
    keys.seen,
    keys.generation,
  ];
  const args = [
    workerId,
    String(beat.concurrency),
    JSON.stringify(beat),
    LIVENESS_MS,
    LAST_BEAT_KEPT_MS,
    beat.at,
  ];
  return Number(await announce(redis, ...keyNames, ...args));
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

// The live workers' total concurrency, in Redis: the hash is anyone's to write, so it is read a
// page at a time and never sent whole, at most MAX_FIELDS fields; a field of a worker whose
// liveness key is gone (or of an id longer than any worker's) is removed, and a concurrency
// that is not a whole number from 1 to MAX_CONCURRENCY counts as none.
const LIVE_CONCURRENCY = `
local workers = KEYS[1]
if redis.call('TYPE', workers).ok ~= 'hash' then return 0 end
local prefix, maxFields, maxConcurrency = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local maxId = tonumber(ARGV[4])
local total, examined, cursor = 0, 0, '0'
repeat
  local page = redis.call('HSCAN', workers, cursor, 'COUNT', 100)
  cursor = page[1]
  for i = 1, #page[2], 2 do
    local id, n = page[2][i], tonumber(page[2][i + 1])
    examined = examined + 1
    if #id <= maxId and redis.call('EXISTS', prefix .. id) == 1 then
      if n and n >= 1 and n <= maxConcurrency and n == math.floor(n) then total = total + n end
    else
      redis.call('HDEL', workers, id)
    end
  end
until cursor == '0' or examined >= maxFields
return math.min(total, maxConcurrency)
`;
const MAX_FIELDS = 10_000;
const MAX_CONCURRENCY = 1_000_000;
const liveConcurrencyScript = redisScript<number>("futuresLiveConcurrency", LIVE_CONCURRENCY, 1);

/** The total concurrency of live workers; forgets workers whose liveness key expired. */
export async function liveConcurrency(redis: RedisClient, workersKey: string): Promise<number> {
  const total = await liveConcurrencyScript(
    redis,
    workersKey,
    livenessPrefix(workersKey),
    MAX_FIELDS,
    MAX_CONCURRENCY,
    MAX_WORKER_ID_LENGTH,
  );
  return Number(total);
}
