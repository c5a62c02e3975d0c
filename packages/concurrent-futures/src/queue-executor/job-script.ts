// Our Lua scripts over a queue's jobs. Each takes the queue's key prefix and job ids as
// arguments and builds the key names in Redis, as BullMQ's scripts do, so that a call sends
// one short argument per job; ioredis defines it on a connection the first time, then calls
// it by its SHA.
import type { Redis } from "ioredis";

/** A function that runs the script `lua`, under the command name `name`, on a connection. */
export function jobScript<Reply>(
  name: string,
  lua: string,
): (redis: Redis, ...args: string[]) => Promise<Reply> {
  return (redis, ...args) => {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    return (redis as unknown as Record<string, (...args: string[]) => Promise<Reply>>)[name]!(...args);
  };
}
