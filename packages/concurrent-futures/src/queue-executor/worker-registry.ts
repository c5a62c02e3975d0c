// Live workers announce their concurrency in Redis, so that producers size their window of
// jobs (about twice the total) without being told. A worker that stops refreshing its
// liveness key drops out within seconds. The id is the one BullMQ puts in its job locks
// ("<worker id>:<n>"), so that a producer can tell a running job's worker is gone.
import type { RedisClient } from "./redis-target.ts";

const LIVENESS_MS = 6_000;
export const HEARTBEAT_MS = 2_000;

/** Workers' liveness keys are this prefix and the worker's id (BullMQ's worker id). */
export function livenessPrefix(workersKey: string): string {
  return `${workersKey}:`;
}

function livenessKey(workersKey: string, workerId: string): string {
  return `${livenessPrefix(workersKey)}${workerId}`;
}

/**
 * Announce (or refresh) a worker, and advance the queue's generation (redis-epoch.ts): gives
 * the generation's new value.
 */
export async function announceWorker(
  redis: RedisClient,
  keys: { workers: string; generation: string },
  workerId: string,
  concurrency: number,
): Promise<number> {
  const replies = await redis
    .multi()
    .hset(keys.workers, workerId, String(concurrency))
    .set(livenessKey(keys.workers, workerId), "1", "PX", LIVENESS_MS)
    .incr(keys.generation)
    .exec();
  return Number(replies?.[2]?.[1]);
}

export async function withdrawWorker(
  redis: RedisClient,
  workersKey: string,
  workerId: string,
): Promise<void> {
  await redis.multi().hdel(workersKey, workerId).del(livenessKey(workersKey, workerId)).exec();
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
