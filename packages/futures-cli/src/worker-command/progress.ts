// What `futures worker` tells its operator: one line on start, on connection loss and return,
// and a count of finished jobs every few seconds while jobs come in.
//
// The count is of what the QueueWorker reports: a job whose task gave a result, or one whose
// task failed or was ended (its producer gets the error).
import type { QueueWorkerEvent } from "concurrent-futures/queue";

const PROGRESS_EVERY_MS = 5_000;

export class WorkerProgress {
  readonly #say: (line: string) => void;
  #done = 0;
  #failed = 0;
  #ready = false;
  #reported = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(say: (line: string) => void) {
    this.#say = say;
  }

  say(line: string): void {
    this.#say(line);
  }

  onEvent(event: QueueWorkerEvent, queue: string): void {
    switch (event.type) {
      case "ready":
        this.#ready = true;
        this.#say(
          `queue ${queue} on Redis ${event.redis}: ${event.tasks} tasks, ${event.concurrency} at once on ${event.executor} (Ctrl-C to stop)`,
        );
        this.#timer = setInterval(() => this.#report(), PROGRESS_EVERY_MS);
        this.#timer.unref();
        break;
      case "job":
        if (event.ok) this.#done++;
        else this.#failed++;
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
    this.#say(`stopped after ${this.#summary()}`);
  }

  #report(): void {
    const total = this.#done + this.#failed;
    if (total === this.#reported) return;
    this.#reported = total;
    this.#say(this.#summary());
  }

  #summary(): string {
    return `${this.#done + this.#failed} jobs done, ${this.#failed} failed`;
  }
}
