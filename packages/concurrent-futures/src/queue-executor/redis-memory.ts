// How full the Redis that holds a queue is: INFO memory, asked through a script that names one
// of the queue's keys, so that in a Redis Cluster the answer is the node holding the queue's
// slot rather than any node. Undefined when Redis will not tell (an ACL without INFO): the
// rest of a status does not need it.
import { ReplyError } from "ioredis";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

export interface RedisMemory {
  /** Bytes Redis uses (used_memory). */
  used: number;
  /** Its limit in bytes; 0 for none (maxmemory). */
  max: number;
  /** What it does at the limit: "noeviction" refuses writes, the others drop keys. */
  policy: string;
}

const memoryInfo = redisScript<string>("futuresMemoryInfo", "return redis.call('INFO', 'memory')", 1);

/** The memory of the node that holds `key`. */
export async function redisMemory(redis: RedisClient, key: string): Promise<RedisMemory | undefined> {
  let info: string;
  try {
    info = await memoryInfo(redis, key);
  } catch (error) {
    // Any reply: a script refused INFO says "ERR The user executing the script can't run
    // this command", not NOPERM. A lost connection is not an answer, and goes on.
    if (error instanceof ReplyError) return undefined;
    throw error;
  }
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
  const used = Number(field("used_memory"));
  const max = Number(field("maxmemory"));
  if (!Number.isFinite(used) || !Number.isFinite(max)) return undefined;
  return { used, max, policy: field("maxmemory_policy") ?? "unknown" };
}
