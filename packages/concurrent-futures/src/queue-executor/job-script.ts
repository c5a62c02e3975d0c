// Our Lua scripts on a connection. ioredis defines each on a connection the first time, then
// calls it by its SHA. Job scripts take the queue's key prefix and job ids as arguments and
// build the key names in Redis, as BullMQ's scripts do, so that a call sends one short
// argument per job; each names one key of the queue (its meta hash) as KEYS[1], unused by the
// script: a Redis Cluster routes a script by its keys, to the node that holds the queue's slot.
import type { RedisClient } from "./redis-target.ts";

/**
 * A function that runs the script `lua`, under the command name `name`, on a connection: with
 * `numberOfKeys`, the first arguments are its keys; without, the first argument says how many.
 */
export function redisScript<Reply>(
  name: string,
  lua: string,
  numberOfKeys?: number,
): (redis: RedisClient, ...args: (string | number)[]) => Promise<Reply> {
  return (redis, ...args) => {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    // Called as a method: the command needs its connection as `this`.
    const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<Reply>>;
    return commands[name]!(...args);
  };
}

/** A job script (see above): called with the queue's prefix, then its own arguments. */
export function jobScript<Reply>(
  name: string,
  lua: string,
): (redis: RedisClient, prefix: string, ...args: string[]) => Promise<Reply> {
  const script = redisScript<Reply>(name, lua, 1);
  return (redis, prefix, ...args) => script(redis, `${prefix}meta`, prefix, ...args);
}
