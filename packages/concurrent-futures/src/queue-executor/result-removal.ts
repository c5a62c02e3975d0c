// Removal of finished jobs whose results the producer has read, a batch at a time.
//
// BullMQ's remove() runs a script per job that also handles parents, deduplication and
// repeats, which these jobs never have; at thousands of jobs a second it was the producer's
// main cost. Our own script (see job-script.ts) sends one short argument per job.
import type { RedisClient } from "./redis-target.ts";
import { jobScript } from "./job-script.ts";

/** Read results are removed in batches of this many, or after this long. */
const BATCH = 256;
const AFTER_MS = 20;
/** Kept for when Redis is back at most this many; older ones are left to BullMQ's age limit. */
const KEPT_WHILE_DOWN = 100_000;

const SCRIPT = `
local prefix = ARGV[1]
local ids = {}
local keys = {}
for i = 2, #ARGV do
  ids[#ids + 1] = ARGV[i]
  keys[#keys + 1] = prefix .. ARGV[i]
  keys[#keys + 1] = prefix .. ARGV[i] .. ':logs'
end
redis.call('ZREM', prefix .. 'completed', unpack(ids))
redis.call('ZREM', prefix .. 'failed', unpack(ids))
return redis.call('DEL', unpack(keys))
`;

const removeJobs = jobScript<number>("futuresRemoveJobs", SCRIPT);

export class ResultRemoval {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  #pending: string[] = [];
  #scheduled = false;
  /** While false (Redis down), removals wait for the connection to come back. */
  readonly #online: () => boolean;

  /** `prefix` is the queue's key prefix, such as "bull:NAME:". */
  constructor(redis: RedisClient, prefix: string, online: () => boolean) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#online = online;
  }

  /** Remove this job soon, in a batch with others. */
  add(jobId: string): void {
    this.#pending.push(jobId);
    if (this.#pending.length >= BATCH) void this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      // A moment later, in a batch: off the path of the next submit's round trip.
      setTimeout(() => void this.flush(), AFTER_MS).unref();
    }
  }

  /** Send what is pending now; resolves once Redis answered (or failed). */
  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#pending.length === 0) return Promise.resolve();
    if (!this.#online()) {
      if (this.#pending.length > KEPT_WHILE_DOWN)
        this.#pending.splice(0, this.#pending.length - KEPT_WHILE_DOWN);
      return Promise.resolve();
    }
    const ids = this.#pending.splice(0, BATCH * 16);
    return removeJobs(this.#redis, this.#prefix, ...ids).then(
      () => (this.#pending.length > 0 ? this.flush() : undefined),
      // Lost with the connection: kept for the next flush.
      () => void this.#pending.unshift(...ids),
    );
  }
}
