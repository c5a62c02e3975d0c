// Our Lua scripts over a queue's jobs. Each takes the queue's key prefix and job ids as
// arguments and builds the key names in Redis, as BullMQ's scripts do, so that a call sends
// one short argument per job; ioredis defines it on a connection the first time, then calls
// it by its SHA. Each call names one key of the queue (its meta hash) as KEYS[1], unused by the
// scripts: a Redis Cluster routes a script by its keys, to the node that holds the queue's slot.
import type { RedisClient } from "./redis-target.ts";

/** A function that runs the script `lua`, under the command name `name`, on a connection. */
export function jobScript<Reply>(
  name: string,
  lua: string,
): (redis: RedisClient, prefix: string, ...args: string[]) => Promise<Reply> {
  return (redis, prefix, ...args) => {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
    const commands = redis as unknown as Record<string, (...args: string[]) => Promise<Reply>>;
    return commands[name]!(`${prefix}meta`, prefix, ...args);
  };
}
