// What `futures worker` tells its operator: one line on start (with whether it runs signed
// jobs only, and a warning when it has no key), one on connection loss and return,
// one per failed job (its id and error; at most a few every few seconds), and a count of
// finished jobs every few seconds while jobs come in.
//
// The count is of what the QueueWorkers report: a job whose task gave a result, or one whose
// task failed or was ended (its producer gets the error). Serving several queues, the worker
// says them all in its start line, counts jobs per queue too, and names the queue of a failed
// job or a warning; its queues share one Redis, so it is lost and back once for all of them.
import type { QueueWorkerEvent } from "concurrent-futures/queue";

const PROGRESS_EVERY_MS = 5_000;
/** Failed jobs told one by one in each interval; the rest only counted. */
const FAILURES_SHOWN = 5;

export class WorkerProgress {
  readonly #say: (line: string) => void;
  readonly #queues: readonly string[];
  /** Jobs answered, per queue. */
  readonly #jobs = new Map<string, number>();
  #done = 0;
  #failed = 0;
  /** Queues whose worker has started; and whether all have. */
  readonly #started = new Set<string>();
  #ready = false;
  /** Queues whose worker is without Redis now. */
  readonly #lost = new Set<string>();
  #reported = 0;
  /** Failures told, and left untold, since the last report. */
  #failuresShown = 0;
  #failuresUntold = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Runs only the jobs signed with its key. */
  readonly #signedOnly: boolean;

  constructor(say: (line: string) => void, queues: readonly string[], signedOnly = false) {
    this.#say = say;
    this.#queues = queues;
    this.#signedOnly = signedOnly;
  }

  say(line: string): void {
    this.#say(line);
  }

  warn(message: string, queue?: string): void {
    this.#say(`warning: ${this.#several && queue !== undefined ? `queue ${queue}: ` : ""}${message}`);
  }

  /** Serving several queues, a count per queue to follow a total: " (a: 1, b: 2)"; else "". */
  byQueue(count: (queue: string) => number): string {
    return this.#several ? ` (${this.#queues.map((queue) => `${queue}: ${count(queue)}`).join(", ")})` : "";
  }

  onEvent(event: QueueWorkerEvent, queue: string): void {
    switch (event.type) {
      case "ready":
        this.#started.add(queue);
        if (this.#started.size === this.#queues.length) this.#onReady(event);
        break;
      case "job":
        this.#jobs.set(queue, (this.#jobs.get(queue) ?? 0) + 1);
        if (event.ok) this.#done++;
        else this.#onFailure(event.jobId, event.error ?? "", queue);
        break;
      case "connection-lost":
        this.#lost.add(queue);
        if (this.#lost.size > 1) break;
        // Before "ready" the worker never had Redis: it is trying to reach it, not to get it back.
        if (this.#ready) this.#say(`lost Redis at ${event.redis} (${event.error}); reconnecting`);
        else this.#say(`cannot reach Redis at ${event.redis} (${event.error}); still trying`);
        break;
      case "reconnected":
        this.#lost.delete(queue);
        // Before "ready", the start line says it.
        if (this.#ready && this.#lost.size === 0) this.#say(`reconnected to Redis at ${event.redis}`);
        break;
      case "warning":
        this.warn(event.message, queue);
        break;
    }
  }

  finish(): void {
    clearInterval(this.#timer);
    if (this.#failuresUntold > 0) this.#say(`${this.#failuresUntold} more failed jobs not shown`);
    this.#say(`stopped after ${this.#summary()}`);
  }

  get #several(): boolean {
    return this.#queues.length > 1;
  }

  #onReady(event: Extract<QueueWorkerEvent, { type: "ready" }>): void {
    this.#ready = true;
    const queues = this.#several ? `queues ${this.#queues.join(", ")}` : `queue ${this.#queues[0]}`;
    const all = this.#several ? " (all queues)" : "";
    this.#say(
      `${queues} on Redis ${event.redis}: ${event.tasks} tasks, ${event.concurrency} at once${all} on ${event.executor}, ${this.#signedOnly ? "signed jobs only" : "any job: no key"} (Ctrl-C to stop)`,
    );
    if (!this.#signedOnly) {
      this.#say(
        `warning: no key (--key-file or $FUTURES_QUEUE_KEY): anyone who can write to this Redis can run its tasks with any arguments`,
      );
    }
    this.#timer = setInterval(() => this.#report(), PROGRESS_EVERY_MS);
    this.#timer.unref();
  }

  #onFailure(jobId: string, error: string, queue: string): void {
    this.#failed++;
    if (this.#failuresShown >= FAILURES_SHOWN) {
      this.#failuresUntold++;
      return;
    }
    this.#failuresShown++;
    const of = this.#several ? ` of queue ${queue}` : "";
    this.#say(`job ${jobId}${of} failed: ${error.replace(/\s*\n\s*/g, " ")}`);
  }

  #report(): void {
    if (this.#failuresUntold > 0) this.#say(`${this.#failuresUntold} more failed jobs not shown`);
    this.#failuresShown = 0;
    this.#failuresUntold = 0;
    const total = this.#done + this.#failed;
    if (total === this.#reported) return;
    this.#reported = total;
    this.#say(this.#summary());
  }

  #summary(): string {
    const byQueue = this.byQueue((queue) => this.#jobs.get(queue) ?? 0);
    return `${this.#done + this.#failed} jobs done, ${this.#failed} failed${byQueue}`;
  }
}
