// No silent wait for workers: calls wait, held or in Redis, while no live worker announced
// itself on the queue (none started, all dead, or a typo in the queue's name). Past a grace
// period the executor says so, and again every minute while it lasts.
import type { NoWorkerEvent, QueueSettings } from "./executor-options.ts";

const REPEAT_MS = 60_000;

export class WorkerWatch {
  readonly #queue: string;
  readonly #redis: string;
  readonly #graceMs: number;
  readonly #tell: (event: NoWorkerEvent) => void;
  #since: number | undefined;
  #told: number | undefined;

  /** Without `onEvent`, a process warning (printed on stderr by default). */
  constructor(
    { queue, noWorkerWarning, onEvent }: Pick<QueueSettings, "queue" | "noWorkerWarning" | "onEvent">,
    redis: string,
  ) {
    this.#queue = queue;
    this.#redis = redis;
    this.#graceMs = noWorkerWarning;
    this.#tell = onEvent ?? ((event) => process.emitWarning(event.message, { code: "FUTURES_NO_WORKER" }));
  }

  /** What a reconciliation found: the live workers' total concurrency, and calls waiting. */
  observe(liveConcurrency: number, waiting: number): void {
    if (liveConcurrency > 0 || waiting === 0) {
      this.#since = undefined;
      this.#told = undefined;
      return;
    }
    const now = performance.now();
    this.#since ??= now;
    const waitingMs = now - this.#since;
    if (waitingMs < this.#graceMs || (this.#told !== undefined && now - this.#told < REPEAT_MS)) return;
    this.#told = now;
    const seconds = Math.round(waitingMs / 1000);
    this.#tell({
      type: "no-worker",
      queue: this.#queue,
      redis: this.#redis,
      waitingMs,
      message:
        `no live worker on queue '${this.#queue}' at Redis ${this.#redis} for ${seconds} s: ` +
        `${waiting} calls wait (start a QueueWorker for this queue, or check the queue's name and prefix)`,
    });
  }
}
