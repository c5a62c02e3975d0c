// What `futures worker` tells its operator: one line on start (with whether it runs signed
// jobs only, and a warning when it has no key), one on connection loss and return,
// one per failed job (its id and error; at most a few every few seconds), and a count of
// finished jobs every few seconds while jobs come in.
//
// The count is of what the QueueWorker reports: a job whose task gave a result, or one whose
// task failed or was ended (its producer gets the error).
import type { QueueWorkerEvent } from "concurrent-futures/queue";

const PROGRESS_EVERY_MS = 5_000;
/** Failed jobs told one by one in each interval; the rest only counted. */
const FAILURES_SHOWN = 5;

export class WorkerProgress {
  readonly #say: (line: string) => void;
  #done = 0;
  #failed = 0;
  #ready = false;
  #reported = 0;
  /** Failures told, and left untold, since the last report. */
  #failuresShown = 0;
  #failuresUntold = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Runs only the jobs signed with its key. */
  readonly #signedOnly: boolean;

  constructor(say: (line: string) => void, signedOnly = false) {
    this.#say = say;
    this.#signedOnly = signedOnly;
  }

  say(line: string): void {
    this.#say(line);
  }

  onEvent(event: QueueWorkerEvent, queue: string): void {
    switch (event.type) {
      case "ready":
        this.#ready = true;
        this.#say(
          `queue ${queue} on Redis ${event.redis}: ${event.tasks} tasks, ${event.concurrency} at once on ${event.executor}, ${this.#signedOnly ? "signed jobs only" : "any job: no key"} (Ctrl-C to stop)`,
        );
        if (!this.#signedOnly) {
          this.#say(
            `warning: no key (--key-file or $FUTURES_QUEUE_KEY): anyone who can write to this Redis can run its tasks with any arguments`,
          );
        }
        this.#timer = setInterval(() => this.#report(), PROGRESS_EVERY_MS);
        this.#timer.unref();
        break;
      case "job":
        if (event.ok) this.#done++;
        else this.#onFailure(event.jobId, event.error ?? "");
        break;
      case "connection-lost":
        // Before "ready" the worker never had Redis: it is trying to reach it, not to get it back.
        if (this.#ready) this.#say(`lost Redis at ${event.redis} (${event.error}); reconnecting`);
        else this.#say(`cannot reach Redis at ${event.redis} (${event.error}); still trying`);
        break;
      case "reconnected":
        // Before "ready", the start line says it.
        if (this.#ready) this.#say(`reconnected to Redis at ${event.redis}`);
        break;
      case "warning":
        this.#say(`warning: ${event.message}`);
        break;
    }
  }

  finish(): void {
    clearInterval(this.#timer);
    if (this.#failuresUntold > 0) this.#say(`${this.#failuresUntold} more failed jobs not shown`);
    this.#say(`stopped after ${this.#summary()}`);
  }

  #onFailure(jobId: string, error: string): void {
    this.#failed++;
    if (this.#failuresShown >= FAILURES_SHOWN) {
      this.#failuresUntold++;
      return;
    }
    this.#failuresShown++;
    this.#say(`job ${jobId} failed: ${error.replace(/\s*\n\s*/g, " ")}`);
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
    return `${this.#done + this.#failed} jobs done, ${this.#failed} failed`;
  }
}
