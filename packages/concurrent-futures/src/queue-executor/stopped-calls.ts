// Calls whose caller gave up on them (an aborted signal, terminateWorkers) while their jobs
// are in Redis: a job no worker took is withdrawn and its future cancelled; for one already
// taken, its worker is asked over pub/sub to end it. A call still being sent waits here until
// it is in Redis: an abort earlier would reach no worker.
import type { Call, CallTable } from "./call-table.ts";
import type { QueueConnection } from "./queue-connection.ts";
import { withdrawWaiting, type Withdrawal } from "./withdraw-script.ts";

export interface StoppedCallsOptions {
  conn: QueueConnection;
  table: CallTable;
  /** False while Redis is down or the executor broken: a later reconciliation tries again. */
  canRun(): boolean;
  /** The job of `call` was withdrawn: it never ran. */
  withdrawn(call: Call): void;
  /** A withdrawal ended: the window may have room. */
  afterWithdrawal(): void;
}

export class StoppedCalls {
  readonly #options: StoppedCallsOptions;
  readonly #stopping = new Set<Call>();
  #scheduled = false;

  constructor(options: StoppedCallsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#stopping.size;
  }

  /** Ask for these calls to stop. */
  stop(calls: Iterable<Call>): void {
    for (const call of calls) {
      call.stopped = true;
      this.#stopping.add(call);
    }
    this.schedule();
  }

  /** The call settled: nothing left to stop. */
  forget(call: Call): void {
    this.#stopping.delete(call);
  }

  clear(): void {
    this.#stopping.clear();
  }

  /** These calls are now in Redis: those stopped while being sent can be withdrawn. */
  sent(batch: readonly Call[]): void {
    if (this.#stopping.size > 0 && batch.some((call) => this.#stopping.has(call))) this.schedule();
  }

  /** One withdrawal for every call stopped in the same synchronous run (an abort reaches many). */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.withdraw());
  }

  /** Withdraw the jobs no worker took, and ask the workers of the others to end them. */
  async withdraw(): Promise<void> {
    this.#scheduled = false;
    const { conn, table } = this.#options;
    const { redis } = conn.link;
    if (!this.#options.canRun()) return; // a reconnection sends what it holds, then comes back here
    const calls = [...this.#stopping].filter((call) => call.sentAt !== undefined);
    if (calls.length === 0) return;
    for (const call of calls) this.#stopping.delete(call);
    const ids = calls.map((call) => call.jobId);
    let withdrawn: (Withdrawal | undefined)[];
    try {
      withdrawn = await withdrawWaiting(redis, conn.jobPrefix, ids);
    } catch {
      // Connection trouble: try again with the next reconciliation.
      for (const call of calls) if (table.current(call)) this.#stopping.add(call);
      return;
    }
    calls.forEach((call, i) => {
      if (!table.current(call, ids[i])) return; // settled meanwhile, or sent again under a new id
      // A part not answered (the connection went): tried again with the next reconciliation.
      if (withdrawn[i] === undefined) this.#stopping.add(call);
      else if (withdrawn[i] === "withdrawn") this.#options.withdrawn(call);
      // The workers listen there for job ids to abort.
      else redis.publish(conn.keys.abort, call.jobId).catch(() => {});
    });
    this.#options.afterWithdrawal();
  }
}
