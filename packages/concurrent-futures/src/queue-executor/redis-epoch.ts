// Noticing that Redis lost its data (restarted empty, flushed): the first producer sets a
// random epoch key; a later read that finds it missing or different means every job in Redis
// was lost, and the producer breaks at once instead of waiting for outcomes that cannot come.
import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis-target.ts";

export class RedisEpoch {
  readonly #redis: RedisClient;
  readonly #key: string;
  #value = randomBytes(8).toString("hex");

  constructor(redis: RedisClient, key: string) {
    this.#redis = redis;
    this.#key = key;
  }

  /** Set our epoch when there is none, and adopt the one that is there. */
  async claim(): Promise<void> {
    await this.#redis.set(this.#key, this.#value, "NX");
    this.#value = (await this.#redis.get(this.#key)) ?? this.#value;
  }

  /** Whether Redis still holds the epoch we claimed. */
  async intact(): Promise<boolean> {
    return (await this.#redis.get(this.#key)) === this.#value;
  }
}
