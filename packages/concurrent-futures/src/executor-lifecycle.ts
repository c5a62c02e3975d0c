// The life of every executor in one place: open, then shut down, or broken at any moment.
//
// Each executor asks it whether a submit may go ahead (refusals in CPython's order: broken,
// shut down, process exiting), for a fresh Broken error per refusal or failed future (the
// first break's message and cause), and to wake whoever waits for the executor to go idle.
import type { BrokenExecutor } from "./errors.ts";
import { ShutdownError } from "./errors.ts";
import { refuseWhileExiting, watchProcessExit } from "./exiting.ts";

export type LifecycleState = "open" | "shut down" | "broken";

export interface LifecycleHooks {
  /** Nothing queued or running: shutdown() may finish. */
  isIdle(): boolean;
  /** The executor's own kind of BrokenExecutor. */
  brokenError(message: string, cause?: unknown): BrokenExecutor;
}

export class ExecutorLifecycle {
  readonly #hooks: LifecycleHooks;
  #shutdown = false;
  #broken: BrokenExecutor | undefined;
  #idleWaiters: (() => void)[] = [];
  #rejectWhenBroken: ((error: BrokenExecutor) => void) | undefined;
  #whenBroken: Promise<never> | undefined;

  constructor(hooks: LifecycleHooks) {
    this.#hooks = hooks;
    watchProcessExit();
  }

  get state(): LifecycleState {
    return this.#broken ? "broken" : this.#shutdown ? "shut down" : "open";
  }

  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /** Nothing outstanding, as the executor counts it. */
  get isIdle(): boolean {
    return this.#hooks.isIdle();
  }

  get isBroken(): boolean {
    return this.#broken !== undefined;
  }

  /** Throw when no new work may be submitted: broken, shut down, or the process exiting. */
  refuse(): void {
    if (this.#broken) throw this.brokenError();
    if (this.#shutdown) throw new ShutdownError();
    refuseWhileExiting();
  }

  /** A new error saying why the executor broke, for one refusal or one failed future. */
  brokenError(): BrokenExecutor {
    const first = this.#broken!;
    return this.#hooks.brokenError(first.message, first.cause);
  }

  /** Stop taking work; what was submitted goes on. */
  shutDown(): void {
    this.#shutdown = true;
  }

  /**
   * Break for good: returns true the first time, so the caller fails its outstanding work
   * (each future with brokenError()); false when it was broken already.
   */
  break(message: string, cause?: unknown): boolean {
    if (this.#broken) return false;
    this.#broken = this.#hooks.brokenError(message, cause);
    this.#rejectWhenBroken?.(this.brokenError());
    return true;
  }

  /** Rejects with a Broken error once the executor breaks (at once if it has). */
  whenBroken(): Promise<never> {
    if (!this.#whenBroken) {
      this.#whenBroken = this.#broken
        ? Promise.reject(this.brokenError())
        : new Promise<never>((_, reject) => (this.#rejectWhenBroken = reject));
      this.#whenBroken.catch(() => {});
    }
    return this.#whenBroken;
  }

  /** Resolves once the executor is idle (at once when it is). */
  whenIdle(): Promise<void> {
    if (this.#hooks.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Wake the idle waiters if the executor is idle now; call it whenever work ends. */
  notifyIdle(): void {
    if (this.#idleWaiters.length > 0 && this.#hooks.isIdle()) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
