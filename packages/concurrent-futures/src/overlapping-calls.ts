// Inside a worker that runs several calls at once (the pools' concurrentCallsPerWorker): the
// calls received wait here in arrival order and each starts as soon as fewer than `limit` run,
// so an async task that awaits I/O lets the next call start. Each outcome goes back within
// one turn of the event loop, together with the others that ended in that turn.
//
// Calls start in arrival order, so the pool knows which ones have started: the first `limit`
// of those it sent and has no outcome for (worker-slot.ts marks them running).
import { Fifo } from "./fifo.ts";
import { SKIPPED, type Call, type Outcome } from "./messages.ts";

export interface OverlapHooks {
  /** Run one call to its outcome; never rejects. */
  run(call: Call): Promise<Outcome>;
  /** Told of each call about to start or be skipped; true when it was cancelled (skip it). */
  starting(id: number): boolean;
  /** Send outcomes, with the milliseconds their calls took in all. */
  flush(outcomes: Outcome[], busyMs: number): void;
}

export class OverlappingCalls {
  readonly #limit: number;
  readonly #hooks: OverlapHooks;
  readonly #waiting = new Fifo<Call>();
  #running = 0;
  #outcomes: Outcome[] = [];
  #busyMs = 0;
  #flushQueued = false;
  #whenDrained: (() => void)[] = [];

  constructor(limit: number, hooks: OverlapHooks) {
    this.#limit = limit;
    this.#hooks = hooks;
  }

  /** Calls of one "run" message: each starts now if there is room, or when there is. */
  add(calls: Call[]): void {
    for (const call of calls) this.#waiting.push(call);
    this.#startWhatFits();
  }

  /** Resolves once no call runs or waits (the worker may exit then). */
  drained(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#whenDrained.push(resolve));
  }

  #idle(): boolean {
    return this.#running === 0 && this.#waiting.length === 0 && !this.#flushQueued;
  }

  #startWhatFits(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      const call = this.#waiting.shift()!;
      const id = call[0];
      if (this.#hooks.starting(id)) {
        this.#report([id, SKIPPED], 0);
        continue;
      }
      this.#running++;
      const started = performance.now();
      void this.#hooks.run(call).then((outcome) => {
        this.#running--;
        this.#report(outcome, performance.now() - started);
        this.#startWhatFits();
      });
    }
  }

  #report(outcome: Outcome, ms: number): void {
    this.#outcomes.push(outcome);
    this.#busyMs += ms;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(() => {
      this.#flushQueued = false;
      const outcomes = this.#outcomes;
      const busyMs = this.#busyMs;
      this.#outcomes = [];
      this.#busyMs = 0;
      this.#hooks.flush(outcomes, busyMs);
      if (this.#idle()) for (const resolve of this.#whenDrained.splice(0)) resolve();
    });
  }
}
