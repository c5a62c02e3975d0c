// What `futures worker` tells its operator: one line on start, on connection loss and return,
// and a count of finished jobs every few seconds while jobs come in.
import type { QueueWorkerEvent } from "concurrent-futures/queue";

const PROGRESS_EVERY_MS = 5_000;

export class WorkerProgress {
  readonly #say: (line: string) => void;
  #done = 0;
  #failed = 0;
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
        this.#say(`lost Redis at ${event.redis} (${event.error}); reconnecting`);
        break;
      case "reconnected":
        this.#say(`reconnected to Redis at ${event.redis}`);
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
    return `${this.#done} jobs done, ${this.#failed} failed`;
  }
}
