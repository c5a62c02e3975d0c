// The rollback check of each job (rollback-guard.ts) run by Redis in one transaction with the
// command of BullMQ's that took the job (moveToActive; moveToFinished, which takes the next):
// the check runs right after the take, on the same server, and its answer comes with the job,
// so that a job whose check finds the count going forward waits for no round trip of its own.
//
// Order is the point, so nothing may split the two: the take goes as EVALSHA of BullMQ's own
// script and the check as EVAL, plain commands that ioredis never sends again alone (its
// script commands resend an EVALSHA refused with NOSCRIPT after the rest, here after the
// check). A transaction cut by a lost connection is sent again whole or failed whole by
// ioredis. A take refused with NOSCRIPT is made again as BullMQ makes it, and its job gets a
// check of its own, as does every job whose take came by another way.

/** The check's script: the count advanced, the epoch and Redis's clock, in one reply. */
export const CHECK =
  "return { redis.call('INCR', KEYS[1]), redis.call('GET', KEYS[2]) or false, redis.call('TIME') }";
export type CheckReply = [count: number, epoch: string | null, time: [seconds: string, micros: string]];

/** BullMQ's commands that take a job. */
const TAKES = /^(moveToActive|moveToFinished):/;
/** Jobs remembered between their take and their run: a bound, should a run never come. */
const MAX_REMEMBERED = 10_000;

/** What the guard says of a check's answer: true when the count went forward for sure. */
export type TakeJudge = (reply: CheckReply, sent: unknown) => boolean;

/** The parts of BullMQ's client (its proxy of an ioredis connection) used here. */
export interface TakingClient {
  runCommand(name: string, args: any[]): Promise<unknown>;
  multi(): unknown;
}

/** What an ioredis connection keeps of the scripts defined on it (BullMQ's among them). */
type Scripts = Record<string, { sha: string; numberOfKeys: number | null; keyPrefix?: string } | undefined>;

interface Transaction {
  evalsha(...args: unknown[]): Transaction;
  eval(...args: unknown[]): Transaction;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export class TakeChecks {
  /** Jobs taken whose check found the count going forward, until they run. */
  readonly #clear = new Set<string>();

  /**
   * Run a check with every take of BullMQ's on `client`, before its first; the guard's `sent()`
   * says what it knew then, and `judge` reads the answer. False where it cannot be done.
   */
  install(
    client: TakingClient,
    keys: [generation: string, epoch: string],
    sent: () => unknown,
    judge: TakeJudge,
  ): boolean {
    const run = client.runCommand;
    const scripts = (client as { scriptsSet?: Scripts }).scriptsSet;
    if (typeof run !== "function" || typeof client.multi !== "function" || !scripts) return false;
    client.runCommand = (name, args) => {
      const script = TAKES.test(name) ? scripts[name] : undefined;
      if (!script || typeof script.numberOfKeys !== "number" || script.keyPrefix)
        return run.call(client, name, args);
      const known = sent();
      const replies = (client.multi() as Transaction)
        .evalsha(script.sha, script.numberOfKeys, ...args)
        .eval(CHECK, 2, ...keys)
        .exec();
      return replies.then((results) => {
        const [take, check] = results ?? [];
        if (!take) throw new Error("the take of a job had no answer");
        const [takeError, taken] = take;
        if (takeError?.message.includes("NOSCRIPT")) return run.call(client, name, args);
        if (takeError) throw takeError;
        const jobId = Array.isArray(taken) ? taken[1] : undefined;
        if ((typeof jobId === "string" || typeof jobId === "number") && check && !check[0]) {
          if (judge(check[1] as CheckReply, known)) this.#remember(String(jobId));
        }
        return taken;
      });
    };
    return true;
  }

  /** Whether the check that came with this job's take found the count going forward (asked once). */
  cleared(jobId: string): boolean {
    return this.#clear.delete(jobId);
  }

  #remember(jobId: string): void {
    if (this.#clear.size >= MAX_REMEMBERED) this.#clear.clear(); // those jobs get checks of their own
    this.#clear.add(jobId);
  }
}
