// The executor's periodic look at Redis itself, for what events cannot tell: Redis lost its
// data (the epoch), the live workers' concurrency (the window), outcomes whose completion
// events never arrived (BullMQ's events are best-effort, and a trimmed stream drops them),
// and jobs of workers that died, which no live worker may be left to find.
import type { Call, CallTable } from "./call-table.ts";
import { readJobStates, STALLED, streamTrimmedPast } from "./job-states.ts";
import type { QueueConnection } from "./queue-connection.ts";
import { WarningThrottle } from "./warning-throttle.ts";
import { livenessPrefix } from "./worker-registry.ts";

/** After a pass found lost events, look again this soon. */
const FAST_RECONCILE_MS = 20;
/**
 * A running job whose worker's liveness lapsed is taken back only if it still has none this
 * long after it was first seen so: a live worker announces itself every 2 s, also right after
 * a Redis that stalled (and let every liveness key expire) answers again.
 */
const CONFIRM_ORPHAN_MS = 3_000;
/**
 * Jobs whose states one script reads: a window of 20,000 read in one call passed 80,000
 * arguments (past the stack's limit for a spread) and would have blocked Redis meanwhile.
 */
const STATES_PER_READ = 500;

/** What the reconciler found, told to the executor, which settles the calls. */
export interface ReconcileOutcomes {
  completed(call: Call, returnvalue: unknown): void;
  failed(call: Call, reason: string): void;
  /** Sent, and Redis still has our epoch, yet no job: someone removed it (drain, obliterate). */
  vanished(call: Call): void;
}

export interface ReconcilerOptions {
  conn: QueueConnection;
  table: CallTable;
  /** Milliseconds between passes. */
  interval: number;
  outcomes: ReconcileOutcomes;
  /** False while Redis is down or the executor broken: the pass is skipped. */
  canRun(): boolean;
  /** False once the executor broke or closed with nothing outstanding: no more passes. */
  keepGoing(): boolean;
  /** Checks of the executor's own before the states are read (epoch, window); may break it. */
  beforePass(): Promise<void>;
  /** After every pass, run or skipped. */
  afterPass(): void;
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #warnings = new WarningThrottle();
  /** Running jobs seen orphaned, and since when. */
  readonly #orphans = new Map<string, number>();

  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /** The next pass in `ms` (default: one interval), replacing one already planned. */
  schedule(ms = this.#options.interval): void {
    if (!this.#options.keepGoing()) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#pass(), ms);
    // Work still outstanding keeps the process alive through the Redis connections, not the timer.
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  async #pass(): Promise<void> {
    let lost = false;
    if (this.#options.canRun() && !this.#running) {
      this.#running = true;
      try {
        await this.#options.beforePass();
        if (this.#options.canRun()) lost = await this.#readDue();
      } catch (error) {
        // Connection trouble: the connection state decides what happens next. A fault of the
        // code (a TypeError...) would stop every pass without a word: said once a minute.
        if (isCodeFault(error) && this.#warnings.admit(String(error))) {
          process.emitWarning(`the executor's check of its jobs in Redis failed: ${String(error)}`, {
            code: "FUTURES_RECONCILE_FAILED",
          });
        }
      } finally {
        this.#running = false;
      }
      this.#options.afterPass();
    }
    this.schedule(lost ? FAST_RECONCILE_MS : this.#options.interval);
  }

  /**
   * Read the state of outstanding jobs whose events may have been lost: all of them when the
   * event stream was trimmed past what we read, otherwise those sent over one interval ago.
   * Returns whether it found outcomes whose events were lost.
   */
  async #readDue(): Promise<boolean> {
    const { conn, table, interval } = this.#options;
    const trimmed = await streamTrimmedPast(conn.link.redis, conn.eventsKey, conn.events.lastReadId);
    const before = performance.now() - (trimmed ? 0 : interval);
    const due = [...table.remote()].filter((call) => call.sentAt !== undefined && call.sentAt <= before);
    if (due.length === 0) return false;
    // The ids as read now, with the calls found sent: an event or a retry meanwhile may send a
    // call again under a new id (not yet in Redis), and the old job's state must not settle it.
    const ids = due.map((call) => call.jobId);
    let lost = false;
    for (let start = 0; start < due.length; start += STATES_PER_READ) {
      if (start > 0 && !this.#options.canRun()) break;
      const end = start + STATES_PER_READ;
      try {
        if (await this.#readStates(due.slice(start, end), ids.slice(start, end))) lost = true;
      } catch (error) {
        if (!lost) throw error;
        break; // what the parts before found stands, and the next pass comes soon
      }
    }
    return lost;
  }

  /** Read and act on the states of `due` calls' jobs in one round trip; whether events were lost. */
  async #readStates(due: Call[], ids: string[]): Promise<boolean> {
    const { conn, table, outcomes } = this.#options;
    const now = performance.now();
    const confirm = new Set(ids.filter((id) => now - (this.#orphans.get(id) ?? now) >= CONFIRM_ORPHAN_MS));
    const states = await readJobStates(
      conn.link.redis,
      conn.jobPrefix,
      livenessPrefix(conn.keys.workers),
      ids,
      confirm,
    );
    let lost = false;
    states.forEach((job, i) => {
      const call = due[i]!;
      if (job.state === "orphaned") this.#orphans.set(ids[i]!, this.#orphans.get(ids[i]!) ?? now);
      else this.#orphans.delete(ids[i]!);
      if (job.state === "unfinished" || job.state === "orphaned" || !table.current(call, ids[i])) return;
      if (job.state === "abandoned") return outcomes.failed(call, STALLED);
      lost = true;
      if (job.state === "missing") outcomes.vanished(call);
      else if (job.state === "completed") outcomes.completed(call, job.returnvalue);
      else outcomes.failed(call, job.reason);
    });
    return lost;
  }
}

/** An error of JavaScript itself, never of Redis or of the connection. */
function isCodeFault(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
}
