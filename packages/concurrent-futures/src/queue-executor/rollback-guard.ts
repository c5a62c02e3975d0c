// A worker's guard against running a job again after Redis came back from an older snapshot
// (redis-epoch.ts): Redis then holds, as waiting, jobs that ran after the snapshot was taken.
// After it takes a job and before it runs it, the worker advances the generation (one INCR
// that Redis runs after the take): a job that ran had its INCR applied first, so a snapshot
// older than the run has a lower count. When the count goes back, every job added before that
// moment may have run already, and is answered with an error instead of being run
// (at-most-once). A worker started after the rollback never saw the newer count, and cannot
// tell.
//
// The INCR runs in one transaction with the take (take-checks.ts), and a job whose check found
// the count above every count this worker has read runs at once. Any other job (its check found
// the count lower or unclear, or its take came by another way) waits for a check of its own on
// the worker's connection, sent after it was taken and shared by the jobs taken meanwhile.
// Answers on two connections may arrive in any order: a check of its own is judged against the
// highest count read on that connection (in the order Redis ran them) and the highest read
// anywhere before it was sent, both run by Redis before it.
import { Generation } from "./redis-epoch.ts";
import { isRefusal, refusalText } from "./redis-errors.ts";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";
import { CHECK, TakeChecks, type CheckReply } from "./take-checks.ts";

const VERIFY_TRIES = 40;
const VERIFY_PAUSE_MS = 250;

// One script, as a MULTI of three cost a busy worker several times the CPU of one call.
const check = redisScript<CheckReply>("futuresGenerationCheck", CHECK, 2);

/** What was known when a check was sent: the highest count read, and the restarts of the count. */
interface Sent {
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
  /** The count started again (Redis back empty, or older); while a rollback is looked into. */
  #restarts = 0;
  #lookingIntoRollback = false;
  /** The highest count read on our connection (checks, heartbeats). */
  #ours = 0;
  readonly #takes = new TakeChecks();

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
    if (!Number.isSafeInteger(value)) return;
    this.#ours = Math.max(this.#ours, value);
    this.#generation.advanced(value);
  }

  /** Check in one transaction with every take of BullMQ's on `client` (not a Cluster's). */
  checkWithTakes(client: Parameters<TakeChecks["install"]>[0], isCluster: boolean): void {
    if (isCluster) return;
    this.#takes.install(
      client,
      [this.#generation.key, this.#epochKey],
      () => this.#sent(),
      (reply, sent) => this.#clearsTake(reply, sent as Sent),
    );
  }

  /** Read the epoch and the count before the first job, so that a rollback from then on shows. */
  start(): Promise<void> {
    return this.#checkAfterNow();
  }

  /**
   * Why a job added at `addedAt` (ms in Redis's clock: producers stamp jobs so) must not run;
   * undefined if it may.
   */
  async refusal(jobId: string, addedAt: number): Promise<string | undefined> {
    if (!this.#takes.cleared(jobId)) await this.#checkAfterNow();
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

  /** Advance the generation on our connection; if it went back, note from when jobs are not run. */
  async #verify(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const sent = this.#sent();
      let reply: CheckReply;
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
      const known = Math.max(sent.highest, this.#ours);
      this.#ours = Math.max(this.#ours, value);
      if (epoch !== this.#epoch) {
        // The first check, or Redis came back empty (a new epoch): every job in it is new, and
        // the count starts again.
        this.#restart(value);
        this.#epoch = epoch;
      } else if (value > known) this.#generation.advanced(value);
      else {
        // Went back. Jobs added since Redis restarted (if it did since the last check) are new.
        this.#lookingIntoRollback = true;
        try {
          this.#rolledBackAt = Math.max(this.#rolledBackAt ?? 0, await this.#restartedAt(now));
        } finally {
          this.#lookingIntoRollback = false;
        }
        this.#restart(value);
      }
      this.#checkedAt = now;
      return;
    }
  }

  #sent(): Sent {
    return { highest: this.#generation.highest, restarts: this.#restarts };
  }

  /**
   * Whether the check that came with a take lets its job run at once: the count went above
   * every count read by the time it came, in the epoch known, with no restart of the count since
   * it was sent. Anything else is for a check of our own to judge.
   */
  #clearsTake([value, epoch]: CheckReply, sent: Sent): boolean {
    // A count read before the count started again says nothing of the Redis of now.
    if (!Number.isSafeInteger(value) || sent.restarts !== this.#restarts) return false;
    const clear =
      this.#epoch !== undefined &&
      epoch === this.#epoch &&
      !this.#lookingIntoRollback &&
      value > this.#generation.highest;
    this.#generation.advanced(value);
    return clear;
  }

  /** The count starts again from `value`. */
  #restart(value: number): void {
    this.#restarts++;
    this.#generation.restart(value);
    this.#ours = value;
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
