// A worker's guard against running a job again after Redis came back from an older snapshot
// (redis-epoch.ts): Redis then holds, as waiting, jobs that ran after the snapshot was taken.
// Before it runs a job, the worker advances the generation once, after the job was taken (one
// INCR for every job taken meanwhile): a job that ran had its INCR applied first, so a
// snapshot older than the run has a lower count. When the count goes back, every job added
// before that moment may have run already, and is answered with an error instead of being run
// (at-most-once). A worker started after the rollback never saw the newer count, and cannot
// tell.
import { Generation } from "./redis-epoch.ts";
import { isRefusal, refusalText } from "./redis-errors.ts";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

const VERIFY_TRIES = 40;
const VERIFY_PAUSE_MS = 250;

// The count advanced, the epoch and Redis's clock, read in one script: a MULTI of three cost a
// busy worker several times the CPU of one call. (`or false`: a nil would end the reply's list.)
// Redis itself compares the count with the highest the worker had seen when it sent the check:
// checks go on more than one connection (taking-worker.ts), and their answers may arrive out of
// the order Redis ran them in, so the answer's order cannot tell a rollback.
const CHECK = `
local before = tonumber(redis.call('GET', KEYS[1]) or '0')
local back = before < tonumber(ARGV[1]) and 1 or 0
return { redis.call('INCR', KEYS[1]), redis.call('GET', KEYS[2]) or false, redis.call('TIME'), back }`;
type CheckReply = [count: number, epoch: string | null, time: [seconds: string, micros: string], back: 0 | 1];
const check = redisScript<CheckReply>("futuresGenerationCheck", CHECK, 2);

export class RollbackGuard {
  readonly #redis: RedisClient;
  readonly #generation: Generation;
  readonly #epochKey: string;
  /** The check waiting to be sent, and the one sent. */
  #queued: Promise<void> | undefined;
  #inFlight: Promise<void> | undefined;
  /** The epoch last read (redis-epoch.ts): a new one means Redis came back empty, not older. */
  #epoch: string | null | undefined;
  /** Redis's clock (ms) at the last check that found the count going forward. */
  #checkedAt = 0;
  /** In Redis's clock (ms): jobs added before it are not run. */
  #rolledBackAt: number | undefined;

  constructor(redis: RedisClient, keys: { generation: string; epoch: string }) {
    this.#redis = redis;
    this.#generation = new Generation(keys.generation);
    this.#epochKey = keys.epoch;
  }

  /**
   * A heartbeat's value of the generation: it raises the highest seen. (A heartbeat's answer
   * may be read after a later check's, so only the checks tell a rollback.)
   */
  observe(value: number): void {
    this.#generation.advanced(value);
  }

  /** Read the epoch and the count before the first job, so that a rollback from then on shows. */
  start(): Promise<void> {
    return this.#checkAfterNow();
  }

  /**
   * Send a check on `redis` now, as the command just sent there: a job that command took is
   * checked once this resolves. Rejects if the check failed.
   */
  checkOn(redis: RedisClient): Promise<void> {
    return this.#apply(check(redis, this.#generation.key, this.#epochKey, this.#generation.highest));
  }

  /**
   * Why a job added at `addedAt` (ms in Redis's clock: producers stamp jobs so) must not run;
   * undefined if it may.
   */
  async refusal(addedAt: number, sent?: Promise<void>): Promise<string | undefined> {
    // A check sent right behind the job's take (taking-worker.ts); if it failed, a new one.
    await (sent ? sent.catch(() => this.#checkAfterNow()) : this.#checkAfterNow());
    if (this.#rolledBackAt === undefined || addedAt >= this.#rolledBackAt) return undefined;
    return (
      "Redis came back from an older snapshot, in which this job was waiting: it may have run " +
      "already, so it was not run again (at-most-once)"
    );
  }

  /**
   * A check sent after this moment: one sent now when none is in flight (so that the job is
   * checked and decoded while it travels), else the one that waits to be sent, shared with
   * every job taken meanwhile, sent once the check in flight (sent earlier) has its answer.
   */
  #checkAfterNow(): Promise<void> {
    if (this.#queued) return this.#queued;
    if (!this.#inFlight) return this.#send();
    this.#queued = this.#inFlight
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#send();
      });
    return this.#queued;
  }

  #send(): Promise<void> {
    const check = this.#verify();
    this.#inFlight = check;
    const settled = (): void => {
      if (this.#inFlight === check) this.#inFlight = undefined;
    };
    check.then(settled, settled);
    return check;
  }

  /** Advance the generation, retrying a failed check; if it went back, note from when jobs are not run. */
  async #verify(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.checkOn(this.#redis);
      } catch (error) {
        // A refusal (ACL, a read-only replica) cannot pass: say it at once.
        if (isRefusal(error) || attempt >= VERIFY_TRIES) {
          throw new Error(`could not check Redis's generation before running the job: ${refusalText(error)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, VERIFY_PAUSE_MS));
      }
    }
  }

  /** Take a check's answer. */
  async #apply(sent: Promise<CheckReply>): Promise<void> {
    const [value, epoch, [seconds, micros], back] = await sent;
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    if (epoch !== this.#epoch || back === 0) {
      // Forward; or the first check, or Redis came back empty (a new epoch): every job in
      // it is new, and the count starts again.
      if (epoch !== this.#epoch) this.#generation.restart(value);
      else this.#generation.advanced(value);
      this.#epoch = epoch;
      this.#checkedAt = Math.max(this.#checkedAt, now);
      return;
    }
    // Went back. Jobs added since Redis restarted (if it did since the last check) are new.
    this.#rolledBackAt = Math.max(this.#rolledBackAt ?? 0, await this.#restartedAt(now));
    this.#generation.restart(value);
    this.#checkedAt = Math.max(this.#checkedAt, now);
  }

  /** When Redis started, if that was after our last good check; else `now` (a failover). */
  async #restartedAt(now: number): Promise<number> {
    const info = await this.#redis.info("server").catch(() => "");
    const uptime = Number(/uptime_in_seconds:(\d+)/.exec(String(info))?.[1]);
    // Whole seconds: the start is placed up to a second late, which only refuses more.
    const started = now - uptime * 1000;
    return Number.isFinite(started) && started > this.#checkedAt ? started : now;
  }
}
