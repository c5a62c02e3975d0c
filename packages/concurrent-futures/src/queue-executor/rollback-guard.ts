// A worker's guard against running a job again after Redis came back from an older snapshot
// (redis-epoch.ts): Redis then holds, as waiting, jobs that ran after the snapshot was taken.
// Before it runs a job, the worker advances the generation once (one INCR for every job taken
// meanwhile): a job that ran had its INCR applied first, so a snapshot older than the run has
// a lower count. When the count goes back, every job added before that moment may have run
// already, and is answered with an error instead of being run (at-most-once). A worker
// started after the rollback never saw the newer count, and cannot tell.
import { Generation } from "./redis-epoch.ts";
import type { RedisClient } from "./redis-target.ts";

const VERIFY_TRIES = 40;
const VERIFY_PAUSE_MS = 250;

export class RollbackGuard {
  readonly #redis: RedisClient;
  readonly #generation: Generation;
  /** The check waiting to be sent, and the one sent. */
  #queued: Promise<void> | undefined;
  #inFlight: Promise<void> | undefined;
  /** A heartbeat saw the generation go back: the next check marks the rollback. */
  #wentBack = false;
  /** Redis's clock (ms) when a rollback was found: jobs added before it are not run. */
  #rolledBackAt: number | undefined;

  readonly #epochKey: string;
  /** The epoch last read (redis-epoch.ts): a new one means Redis came back empty, not older. */
  #epoch: string | null | undefined;

  constructor(redis: RedisClient, keys: { generation: string; epoch: string }) {
    this.#redis = redis;
    this.#generation = new Generation(keys.generation);
    this.#epochKey = keys.epoch;
  }

  /** A heartbeat's value of the generation. */
  observe(value: number): void {
    if (!this.#generation.advanced(value)) this.#wentBack = true;
  }

  /** Read the epoch and the count before the first job, so that a rollback from then on shows. */
  start(): Promise<void> {
    return this.#checkAfterNow();
  }

  /** Why a job added at `addedAt` (ms, its timestamp) must not run; undefined if it may. */
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

  /** Advance the generation; if it went back, note when. Tries for about 10 s, then throws. */
  async #verify(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const replies = await this.#redis
          .multi()
          .incr(this.#generation.key)
          .get(this.#epochKey)
          .time()
          .exec();
        const value = Number(replies?.[0]?.[1]);
        const epoch = (replies?.[1]?.[1] ?? null) as string | null;
        if (epoch !== this.#epoch) {
          // First check, or Redis came back empty (or a producer set the first epoch): every
          // job in it is new, and the count starts again.
          this.#epoch = epoch;
          this.#generation.restart(value);
          this.#wentBack = false;
          return;
        }
        const forward = this.#generation.advanced(value);
        if (forward && !this.#wentBack) return;
        this.#wentBack = false;
        const [seconds, micros] = replies?.[2]?.[1] as [string, string];
        this.#rolledBackAt = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
        return;
      } catch (error) {
        if (attempt >= VERIFY_TRIES) {
          throw new Error(
            `could not check Redis's generation before running the job: ${(error as Error).message}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, VERIFY_PAUSE_MS));
      }
    }
  }
}
