// Read results are removed from Redis a batch at a time, and not lost when the batch meets a
// connection that is down: it waits for the connection to come back (on a real redis-server).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { ResultRemoval } from "../src/queue-executor/result-removal.ts";
import { startRedis, type RedisServer } from "@futures/test-support/redis-server";

let server: RedisServer;
let redis: Redis;

before(async () => {
  server = await startRedis();
  redis = new Redis(server.port, "127.0.0.1");
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

async function finishedJob(id: string): Promise<void> {
  await redis.hset(`bull:q:${id}`, "returnvalue", "[1]", "finishedOn", "1");
  await redis.zadd("bull:q:completed", 1, id);
}

describe("ResultRemoval", () => {
  it("removes finished jobs it is given, with their place in the completed set", async () => {
    await finishedJob("fx-a");
    const removal = new ResultRemoval(redis, "bull:q:", () => true);
    removal.add("fx-a");
    await removal.flush();
    assert.equal(await redis.exists("bull:q:fx-a"), 0);
    assert.equal(await redis.zcard("bull:q:completed"), 0);
  });

  it("keeps what it could not send while the connection was down, and sends it once back", async () => {
    await finishedJob("fx-b");
    let online = false;
    const removal = new ResultRemoval(redis, "bull:q:", () => online);
    removal.add("fx-b");
    await removal.flush();
    assert.equal(await redis.exists("bull:q:fx-b"), 1, "nothing sent while down");
    online = true;
    await removal.flush();
    assert.equal(await redis.exists("bull:q:fx-b"), 0, "sent once back");
  });
});
