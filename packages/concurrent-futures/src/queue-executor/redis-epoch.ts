// Noticing that Redis lost data. The first producer sets a random epoch key: a later read that
// finds it missing or different means Redis came back empty (restarted, flushed). A rollback
// to an older snapshot keeps the epoch, so every producer and worker also counts a generation
// (one INCR at each of their checks) and remembers the highest it saw: a count that went back
// means Redis came back from a snapshot older than that check.
import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis-target.ts";

/** What a check found: Redis as we left it, empty, or back from an older snapshot. */
export type EpochState = "intact" | "empty" | "rolled-back";

export class RedisEpoch {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #generation: Generation;
  #value = randomBytes(8).toString("hex");

  constructor(redis: RedisClient, key: string, generationKey: string) {
    this.#redis = redis;
    this.#key = key;
    this.#generation = new Generation(generationKey);
  }

  /** Set our epoch when there is none, and adopt the one that is there. */
  async claim(): Promise<void> {
    const replies = await this.#redis
      .multi()
      .set(this.#key, this.#value, "NX")
      .get(this.#key)
      .incr(this.#generation.key)
      .exec();
    this.#value = (replies?.[1]?.[1] as string | null) ?? this.#value;
    this.#generation.advanced(Number(replies?.[2]?.[1]));
  }

  /** Whether Redis still holds the epoch we claimed, and has not gone back in generations. */
  async check(): Promise<EpochState> {
    const replies = await this.#redis.multi().get(this.#key).incr(this.#generation.key).exec();
    if (replies?.[0]?.[1] !== this.#value) return "empty";
    return this.#generation.advanced(Number(replies[1]?.[1])) ? "intact" : "rolled-back";
  }
}

/** The highest generation a process saw, and whether a new one went past it. */
export class Generation {
  readonly key: string;
  #highest = 0;

  constructor(key: string) {
    this.key = key;
  }

  /** The highest value seen. */
  get highest(): number {
    return this.#highest;
  }

  /** Take a value Redis gave for INCR: false when it is not past the highest seen (a rollback). */
  advanced(value: number): boolean {
    if (!Number.isSafeInteger(value)) return true; // no answer: nothing learnt
    const forward = value > this.#highest;
    this.#highest = Math.max(this.#highest, value);
    return forward;
  }

  /** Redis is a new one (it came back empty): its count starts again from `value`. */
  restart(value: number): void {
    if (Number.isSafeInteger(value)) this.#highest = value;
  }
}
