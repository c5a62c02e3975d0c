// A worker's guard against running a job again after Redis came back from an older snapshot
// (redis-epoch.ts): Redis then holds, as waiting, jobs that ran after the snapshot was taken.
// Before it runs a job, the worker advances the generation once (one INCR for every job taken
// meanwhile): a job that ran had its INCR applied first, so a snapshot older than the run has
// a lower count. When the count goes back, every job added before that moment may have run
// already, and is answered with an error instead of being run (at-most-once). A worker
// started after the rollback never saw the newer count, and cannot tell.
import { Generation } from "./redis-epoch.ts";
import { isRefusal, refusalText } from "./redis-errors.ts";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

const VERIFY_TRIES = 40;
const VERIFY_PAUSE_MS = 250;
/** Longest wait for the answer of a heartbeat sent before a check, once the check's is read. */
const BEAT_READ_MS = 1000;

// The count advanced, the epoch and Redis's clock, read in one script: a MULTI of three cost a
// busy worker several times the CPU of one call. (`or false`: a nil would end the reply's list.)
const CHECK =
  "return { redis.call('INCR', KEYS[1]), redis.call('GET', KEYS[2]) or false, redis.call('TIME') }";
type CheckReply = [count: number, epoch: string | null, time: [seconds: string, micros: string]];
const check = redisScript<CheckReply>("futuresGenerationCheck", CHECK, 2);

/** What was known when a heartbeat was sent (RollbackGuard.beforeHeartbeat). */
export interface HeartbeatMark {
  highest: number;
  restarts: number;
}

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
  /** Times the count started again (Redis back empty, or older). */
  #restarts = 0;
  /** A heartbeat proved the count went back: the next check is a rollback's. */
  #wentBack = false;
  /**
   * Heartbeats sent and read: a check waits until those sent before it are read, since Redis
   * ran them first but their answers may be read after its own (more awaits on their way).
   */
  #beatsSent = 0;
  #beatsRead = 0;
  #beatRead: (() => void) | undefined;

  constructor(redis: RedisClient, keys: { generation: string; epoch: string }) {
    this.#redis = redis;
    this.#generation = new Generation(keys.generation);
    this.#epochKey = keys.epoch;
  }

  /** What a heartbeat must pass, taken as it is sent: the highest count read, in this run of the count. */
  beforeHeartbeat(): HeartbeatMark {
    this.#beatsSent++;
    return { highest: this.#generation.highest, restarts: this.#restarts };
  }

  /**
   * A heartbeat's value of the generation. Redis ran it after every count read before it was
   * sent, so a value not above the highest of them proves that the count went back: the next
   * check takes it as a rollback, even if the counts of other workers have passed ours by then,
   * and one is sent now, so that a rollback shows as soon as our connection is back (a
   * heartbeat goes then). Else it raises the highest seen. Ignored once the count started
   * again since it was sent (its answer may be read after a later check's).
   */
  observe(value: number, mark: HeartbeatMark): void {
    this.#beatsRead++;
    this.#beatRead?.();
    if (!Number.isSafeInteger(value) || mark.restarts !== this.#restarts) return;
    if (value > mark.highest) {
      this.#generation.advanced(value);
      return;
    }
    this.#wentBack = true;
    this.#checkAfterNow().catch(() => {});
  }

  /** Read the epoch and the count before the first job, so that a rollback from then on shows. */
  start(): Promise<void> {
    return this.#checkAfterNow();
  }

  /**
   * Why a job added at `addedAt` (ms in Redis's clock: producers stamp jobs so) must not run;
   * undefined if it may.
   */
  async refusal(addedAt: number): Promise<string | undefined> {
    await this.#checkAfterNow();
    if (this.#rolledBackAt === undefined || addedAt >= this.#rolledBackAt) return undefined;
    return (
      "Redis came back from an older snapshot, in which this job was waiting: it may have run " +
      "already, so it was not run again (at-most-once)"
    );
  }

  /**
   * A check sent after this moment: the one that waits to be sent, shared with every job taken
   * meanwhile, or a new one sent once the check in flight (sent earlier) has its answer.
   */
  #checkAfterNow(): Promise<void> {
    this.#queued ??= (this.#inFlight ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        const check = this.#verify();
        this.#inFlight = check;
        const settled = (): void => {
          if (this.#inFlight === check) this.#inFlight = undefined;
        };
        check.then(settled, settled);
        return check;
      });
    return this.#queued;
  }

  /** Advance the generation; if it went back, note from when jobs are not run. */
  async #verify(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let reply: CheckReply;
      const beats = this.#beatsSent;
      try {
        reply = await check(this.#redis, this.#generation.key, this.#epochKey);
      } catch (error) {
        // A refusal (ACL, a read-only replica) cannot pass: say it at once.
        if (isRefusal(error) || attempt >= VERIFY_TRIES) {
          throw new Error(`could not check Redis's generation before running the job: ${refusalText(error)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, VERIFY_PAUSE_MS));
        continue;
      }
      const [value, epoch, [seconds, micros]] = reply;
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      await this.#heartbeatsRead(beats);
      const wentBack = this.#wentBack;
      this.#wentBack = false;
      if (epoch !== this.#epoch || (!wentBack && this.#generation.advanced(value))) {
        // Forward; or the first check, or Redis came back empty (a new epoch): every job in
        // it is new, and the count starts again.
        if (epoch !== this.#epoch) this.#restart(value);
        this.#epoch = epoch;
        this.#checkedAt = now;
        return;
      }
      // Went back. Jobs added since Redis restarted (if it did since the last check) are new.
      this.#rolledBackAt = Math.max(this.#rolledBackAt ?? 0, await this.#restartedAt(now));
      this.#restart(value);
      this.#checkedAt = now;
      return;
    }
  }

  /** Until `beats` heartbeats are read, or a while if one never is (its answer was lost). */
  async #heartbeatsRead(beats: number): Promise<void> {
    const deadline = performance.now() + BEAT_READ_MS;
    while (this.#beatsRead < beats && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, BEAT_READ_MS);
        this.#beatRead = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#beatRead = undefined;
  }

  /** The count starts again from `value`. */
  #restart(value: number): void {
    this.#restarts++;
    this.#wentBack = false;
    this.#generation.restart(value);
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
