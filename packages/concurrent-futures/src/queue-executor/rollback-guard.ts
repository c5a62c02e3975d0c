// A worker's guard against running a job again after Redis came back from an older snapshot
// (redis-epoch.ts): Redis then holds, as waiting, jobs that ran after the snapshot was taken.
// After it takes a job and before it runs it, the worker advances the generation once (one
// INCR, run by Redis after the take): a job that ran had its INCR applied first, so a snapshot
// older than the run has a lower count. When a count comes back no higher than one this worker
// had already seen when it sent the INCR, every job added before that moment may have run
// already, and is answered with an error instead of being run (at-most-once). A worker started
// after the rollback never saw the newer count, and cannot tell.
//
// Answers on two connections may arrive in any order, and a command sent before Redis went
// away may be sent again and run after it came back: an answer is judged against the highest
// count read on its own connection (whose answers come in the order Redis ran them) and the
// highest read anywhere before it was sent.
//
// The INCR goes right behind each command by which BullMQ takes a job, on that connection
// (checksBehindTakes): Redis runs it just after the take and its answer comes with the job's,
// so a job waits for no round trip of its own. Where that cannot be done (a Cluster, or a
// BullMQ that takes jobs otherwise), each job waits for a check of its own on our connection,
// shared by the jobs taken while it is on its way.
import { Generation } from "./redis-epoch.ts";
import { isRefusal, refusalText } from "./redis-errors.ts";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

const VERIFY_TRIES = 40;
const VERIFY_PAUSE_MS = 250;

// The count advanced, the epoch and Redis's clock, read in one script: a MULTI of three cost a
// busy worker several times the CPU of one call. (`or false`: a nil would end the reply's list.)
const CHECK =
  "return { redis.call('INCR', KEYS[1]), redis.call('GET', KEYS[2]) or false, redis.call('TIME') }";
type CheckReply = [count: number, epoch: string | null, time: [seconds: string, micros: string]];
const check = redisScript<CheckReply>("futuresGenerationCheck", CHECK, 2);

/** BullMQ's commands that take a job: moveToActive, and moveToFinished, which takes the next. */
const TAKES = /^(moveToActive|moveToFinished):/;

/** BullMQ's connection as it sends its commands (its IRedisClient). */
interface TakingClient {
  runCommand(name: string, args: unknown[]): unknown;
}

/** What was known when a check was sent: the highest count, and the rollbacks found. */
interface Sent {
  highest: number;
  rollbacks: number;
}

/** The highest count read on one connection. */
interface Highest {
  value: number;
}

export class RollbackGuard {
  readonly #redis: RedisClient;
  readonly #generation: Generation;
  readonly #epochKey: string;
  /** The check waiting to be sent on our connection, and the one sent. */
  #queued: Promise<void> | undefined;
  #inFlight: Promise<void> | undefined;
  /** The check sent behind the last take, judged once answered. */
  #behind: Promise<void> | undefined;
  /** Takes seen and jobs asked about: a job beyond the takes came by a way not seen. */
  #takes = 0;
  #jobs = 0;
  #behindTakes = false;
  /** The epoch last read (redis-epoch.ts): a new one means Redis came back empty, not older. */
  #epoch: string | null | undefined;
  /** Redis's clock (ms) at the last check that found the count going forward. */
  #checkedAt = 0;
  /** In Redis's clock (ms): jobs added before it are not run. */
  #rolledBackAt: number | undefined;
  /** Rollbacks found so far, and the one being looked into (Redis asked when it started). */
  #rollbacks = 0;
  #lookingIntoRollback: Promise<void> | undefined;
  /** The highest counts read on our connection (checks, heartbeats) and behind BullMQ's takes. */
  readonly #ours: Highest = { value: 0 };
  readonly #behindTakesHighest: Highest = { value: 0 };

  constructor(redis: RedisClient, keys: { generation: string; epoch: string }) {
    this.#redis = redis;
    this.#generation = new Generation(keys.generation);
    this.#epochKey = keys.epoch;
  }

  /**
   * A heartbeat's value of the generation: it raises the highest seen, which later checks
   * must pass.
   */
  observe(value: number): void {
    if (!Number.isSafeInteger(value)) return;
    this.#ours.value = Math.max(this.#ours.value, value);
    this.#generation.advanced(value);
  }

  /** Read the epoch and the count before the first job, so that a rollback from then on shows. */
  start(): Promise<void> {
    return this.#checkAfterNow();
  }

  /**
   * Send a check behind every take of BullMQ's on `client`, before its first: on one server
   * (not a Cluster, whose commands may go to another node or wait for a new map of slots).
   */
  checkBehindTakes(client: TakingClient, isCluster: boolean): void {
    const run = client.runCommand;
    if (isCluster || typeof run !== "function") return;
    client.runCommand = (name, args) => {
      const reply = run.call(client, name, args);
      if (TAKES.test(name)) {
        this.#takes++;
        const sent = this.#sent();
        // Sent now, behind the take on the same connection; through BullMQ's client, whose
        // other properties are those of its ioredis connection.
        const answer = check(client as unknown as RedisClient, this.#generation.key, this.#epochKey);
        const judged = answer.then((reply) => this.#judge(reply, sent, this.#behindTakesHighest));
        judged.catch(() => {});
        this.#behind = judged;
      }
      return reply;
    };
    this.#behindTakes = true;
  }

  /**
   * Why a job added at `addedAt` (ms in Redis's clock: producers stamp jobs so) must not run;
   * undefined if it may.
   */
  async refusal(addedAt: number): Promise<string | undefined> {
    await this.#checkedAfterTake();
    if (this.#rolledBackAt === undefined || addedAt >= this.#rolledBackAt) return undefined;
    return (
      "Redis came back from an older snapshot, in which this job was waiting: it may have run " +
      "already, so it was not run again (at-most-once)"
    );
  }

  /** A check that Redis ran after this job was taken: the one behind the last take, or our own. */
  async #checkedAfterTake(): Promise<void> {
    // Each take brings at most one job: a job beyond them came by a way not seen.
    if (++this.#jobs > this.#takes) this.#behindTakes = false;
    const behind = this.#behind;
    if (this.#behindTakes && behind) {
      try {
        return await behind;
      } catch {
        // Not answered (the connection broke): a check of our own, sent after the take.
      }
    }
    return this.#checkAfterNow();
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

  /** Advance the generation on our connection, and judge the answer. */
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
      return this.#judge(reply, sent, this.#ours);
    }
  }

  #sent(): Sent {
    return { highest: this.#generation.highest, rollbacks: this.#rollbacks };
  }

  /**
   * A check's answer read on the connection whose highest count is `highest`, against that and
   * what was known when it was sent: forward, or gone back; then note from when jobs are not run.
   */
  async #judge([value, epoch, [seconds, micros]]: CheckReply, sent: Sent, highest: Highest): Promise<void> {
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const known = Math.max(sent.highest, highest.value);
    highest.value = Math.max(highest.value, value);
    // A rollback being looked into decides how this answer is read: wait for it.
    while (this.#lookingIntoRollback) await this.#lookingIntoRollback;
    if (epoch !== this.#epoch) {
      // The first check, or Redis came back empty (a new epoch): every job in it is new, and
      // the count starts again.
      this.#restart(value);
      this.#epoch = epoch;
      this.#checkedAt = now;
      return;
    }
    // Forward; or sent before a rollback found since, which this answer only repeats.
    if (value > known || sent.rollbacks !== this.#rollbacks) {
      this.#generation.advanced(value);
      this.#checkedAt = now;
      return;
    }
    const looking = this.#rolledBack(value, now);
    this.#lookingIntoRollback = looking;
    try {
      await looking;
    } finally {
      this.#lookingIntoRollback = undefined;
    }
  }

  /** Gone back: jobs added since Redis restarted (if it did since the last check) are new. */
  async #rolledBack(value: number, now: number): Promise<void> {
    this.#rolledBackAt = Math.max(this.#rolledBackAt ?? 0, await this.#restartedAt(now));
    this.#restart(value);
    this.#checkedAt = now;
    this.#rollbacks++;
  }

  /** The count starts again from `value`, on every connection. */
  #restart(value: number): void {
    this.#generation.restart(value);
    this.#ours.value = this.#behindTakesHighest.value = value;
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
