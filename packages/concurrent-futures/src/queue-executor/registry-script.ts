// The registry as queueStatus reads it, in one script, so that nothing unbounded crosses the
// wire whatever Redis holds (see "The queue's trust model" in the design brief):
// - `seen` is read from the newest entry down, in small pages, up to a bounded number of
//   entries; members longer than a worker id are skipped, never sent;
// - scores after Redis's own time (redis-clock.ts) are not heartbeats (workers score by TIME too, see
//   worker-registry.ts): they are counted, not listed, so that they cannot push real workers
//   out of the list;
// - a key of another type is reported by its type, never a WRONGTYPE error for the whole look;
// - the workers hash, which workers of earlier releases write alone, gives the live workers
//   absent from `seen` (HSCAN, bounded too).
// The script builds liveness and last-beat key names from prefixes, as job-states.ts does: a
// queue in a Redis Cluster keeps all its keys in one slot (a {hash tag} in the prefix).
import { redisScript } from "./job-script.ts";
import { luaRedisNow } from "./redis-clock.ts";
import { MAX_WORKER_ID_LENGTH } from "./worker-registry.ts";
import type { RedisClient } from "./redis-target.ts";

const SCRIPT = `
local limit, maxId, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local livePrefix, beatPrefix = ARGV[4], ARGV[5]
local maxBeat, maxLooked = tonumber(ARGV[6]), tonumber(ARGV[7])
${luaRedisNow(8)}
local latest = now + slack

local seenType = redis.call('TYPE', KEYS[1]).ok
local total, future, long, listed = 0, 0, 0, {}
if seenType == 'zset' then
  total = redis.call('ZCARD', KEYS[1])
  future = redis.call('ZCOUNT', KEYS[1], '(' .. latest, '+inf')
  local looked = 0
  while #listed < 4 * limit and looked < maxLooked do
    local page = redis.call('ZREVRANGEBYSCORE', KEYS[1], latest, '-inf', 'LIMIT', looked, 50)
    if #page == 0 then break end
    for _, id in ipairs(page) do
      looked = looked + 1
      if #id > maxId then
        long = long + 1
      elseif #listed < 4 * limit then
        local beatKey = beatPrefix .. id
        local ttl = redis.call('PTTL', beatKey)
        if ttl >= 0 then
          local beat = redis.pcall('GETRANGE', beatKey, 0, maxBeat - 1)
          if type(beat) ~= 'string' then beat = '' end
          listed[#listed + 1] = id
          listed[#listed + 1] = redis.call('EXISTS', livePrefix .. id)
          listed[#listed + 1] = ttl
          listed[#listed + 1] = beat
        end
      end
    end
  end
end

local hashType = redis.call('TYPE', KEYS[2]).ok
local older, moreOlder = {}, 0
if hashType == 'hash' then
  local cursor, looked, known = '0', 0, {}
  repeat
    local page = redis.call('HSCAN', KEYS[2], cursor, 'COUNT', 100)
    cursor = page[1]
    for i = 1, #page[2], 2 do
      local id, concurrency = page[2][i], page[2][i + 1]
      looked = looked + 1
      if #id <= maxId and not known[id] and redis.call('EXISTS', livePrefix .. id) == 1
          and (seenType ~= 'zset' or not redis.call('ZSCORE', KEYS[1], id)) then
        known[id] = true
        if #older < 2 * limit then
          older[#older + 1] = id
          older[#older + 1] = #concurrency <= 16 and concurrency or ''
        else
          moreOlder = moreOlder + 1
        end
      end
    end
  until cursor == '0' or looked >= maxLooked
end
return {seenType, total, future, long, listed, hashType, older, moreOlder}
`;

const readRegistry = redisScript<RegistryReply>("futuresReadRegistry", SCRIPT, 2);

type RegistryReply = [string, number, number, number, (string | number)[], string, string[], number];

/** A heartbeat is a few hundred bytes: longer is not ours, and is not read whole. */
const MAX_BEAT_BYTES = 4_096;
/** Entries looked at in `seen` or the workers hash, at most, beyond those listed. */
const MAX_LOOKED = 1_000;
/** Scores this far ahead of Redis's time still count: the worker's script ran just now. */
const SLACK_MS = 1_000;

/** What the script found, undecoded: the beats are Redis's bytes as text. */
export interface RegistryRead {
  seen: { type: string; total: number; future: number; long: number };
  /** Entries of `seen` with a last beat, newest first: id, liveness, its TTL, its beat. */
  entries: { id: string; alive: boolean; ttl: number; beat: string }[];
  workers: { type: string };
  /** Live workers in the hash with no `seen` entry, and how many more there were. */
  older: { id: string; concurrency: string }[];
  moreOlder: number;
}

export interface RegistryKeyNames {
  seen: string;
  workers: string;
  livenessPrefix: string;
  lastBeatPrefix: string;
}

/** The registry read once, at most `limit` workers of each kind. */
export async function readRegistryOnce(
  redis: RedisClient,
  keys: RegistryKeyNames,
  limit: number,
): Promise<RegistryRead> {
  const [seenType, total, future, long, listed, workersType, older, moreOlder] = await readRegistry(
    redis,
    keys.seen,
    keys.workers,
    limit,
    MAX_WORKER_ID_LENGTH,
    SLACK_MS,
    keys.livenessPrefix,
    keys.lastBeatPrefix,
    MAX_BEAT_BYTES,
    limit + MAX_LOOKED,
    Date.now(),
  );
  const entries: RegistryRead["entries"] = [];
  for (let i = 0; i + 3 < listed.length; i += 4) {
    const [id, alive, ttl, beat] = listed.slice(i, i + 4);
    entries.push({ id: String(id), alive: alive === 1, ttl: Number(ttl), beat: String(beat) });
  }
  const olderWorkers: RegistryRead["older"] = [];
  for (let i = 0; i + 1 < older.length; i += 2)
    olderWorkers.push({ id: older[i]!, concurrency: older[i + 1]! });
  return {
    seen: { type: seenType, total, future, long },
    entries,
    workers: { type: workersType },
    older: olderWorkers,
    moreOlder,
  };
}
