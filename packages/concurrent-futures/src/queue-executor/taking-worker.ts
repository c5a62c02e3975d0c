// BullMQ's Worker as a QueueWorker runs it. The rollback check (rollback-guard.ts) of a job
// taken while the worker held none goes on BullMQ's connection right behind the command that
// took the job: Redis runs it after the take, and its answer arrives with the job instead of
// one round trip after it (0.4 ms of a lone call's 2.6 ms here). A busy worker's jobs share
// checks sent after their take.
import type { Writable } from "node:stream";
import { Worker, type Job, type WorkerOptions } from "bullmq";
import type { JobRuns } from "./job-runs.ts";
import type { JobData } from "./payload.ts";
import type { RedisClient } from "./redis-target.ts";

/** BullMQ's client (its ioredis proxy): the command that runs a script of BullMQ's. */
interface ScriptRunner {
  isCluster?: boolean;
  runCommand?: (name: string, args: unknown[]) => Promise<unknown>;
}

export interface TakingHooks {
  /** The jobs the worker holds (a take deserves a check of its own while there are none). */
  runs: Pick<JobRuns, "size" | "process">;
  /** Why a job is handed back, when the worker stops. */
  stopping: string;
  /** Sends a check on a connection now; resolves once its answer was taken. */
  guard: { checkOn(redis: RedisClient): Promise<void> };
}

export class TakingWorker extends Worker<JobData, string> {
  readonly #hooks: TakingHooks;
  /** Checks sent behind a take, counted; the last one sent. */
  #sent = 0;
  #last: Promise<void> | undefined;
  readonly #checks = new WeakMap<Job, Promise<void>>();
  /** Jobs taken, not yet handed to the processor: BullMQ takes the next one first. */
  readonly #unprocessed = new WeakSet<Job>();
  #unprocessedCount = 0;
  readonly #hooking: Promise<void>;

  constructor(name: string, opts: WorkerOptions, hooks: TakingHooks) {
    super(name, (job, token) => this.#process(job, token), { ...opts, autorun: false });
    this.#hooks = hooks;
    this.#hooking = this.#checkTakes().catch(() => {}); // no client: BullMQ's run says why
    // BullMQ unlistens its connections as it closes, while ioredis may still be reconnecting to
    // a gone Redis: "[ioredis] Unhandled error event" and a stack then went to stderr.
    for (const client of [this.backend.client, this.backend.blockingClient])
      client?.then((redis) => redis.on("error", () => {})).catch(() => {});
  }

  override async run(): Promise<void> {
    await this.#hooking;
    return super.run();
  }

  /** The check sent behind the take of this job, if there was one. */
  checkOf(job: Job): Promise<void> | undefined {
    return this.#checks.get(job);
  }

  /**
   * Send a check behind each take of BullMQ's client. Not on a Redis Cluster, whose redirections
   * may send the two commands apart, nor on a BullMQ without this hook: jobs then share checks.
   */
  async #checkTakes(): Promise<void> {
    const client = (await this.backend.client) as unknown as ScriptRunner & RedisClient;
    const runCommand = client.runCommand;
    if (client.isCluster || typeof runCommand !== "function") return;
    client.runCommand = (name, args) => {
      if (!name.startsWith("moveToActive:") || this.#unprocessedCount > 0 || this.#hooks.runs.size > 0)
        return runCommand(name, args);
      // Both commands in one write: Redis reads them together and answers them together.
      const socket = (client as { stream?: Writable }).stream;
      socket?.cork();
      try {
        const taking = runCommand(name, args);
        this.#sent++;
        this.#last = this.#hooks.guard.checkOn(client);
        this.#last.catch(() => {}); // the job's refusal sends another
        return taking;
      } finally {
        socket?.uncork();
      }
    };
  }

  protected override async moveToActive(token: string, name?: string): Promise<Job<JobData, string>> {
    const before = this.#sent;
    const job = await super.moveToActive(token, name);
    // Exactly one check sent meanwhile: the one behind this take (two takes at once share none).
    if (job && this.#sent === before + 1) this.#checks.set(job, this.#last!);
    if (job) {
      this.#unprocessed.add(job);
      this.#unprocessedCount++;
    }
    return job;
  }

  #process(job: Job<JobData>, token: string | undefined): Promise<string> {
    if (this.#unprocessed.delete(job)) this.#unprocessedCount--;
    return this.#hooks.runs.process(job, token, this.#hooks.stopping);
  }
}
