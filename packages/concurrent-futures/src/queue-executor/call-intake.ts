// A QueueExecutor's submit, up to the moment its call is held: refused when the executor is
// shut down or broken or Redis is known to be down, its task named, its options checked, its
// arguments encoded (a failure there fails the future, not the submit), and its signal
// listened to: an abort cancels a held call, or has its job withdrawn or ended in Redis.
import { AbortListeners } from "../abort-listeners.ts";
import type { ExecutorLifecycle } from "../executor-lifecycle.ts";
import type { Future } from "../future.ts";
import { taskRef, type AnyFunction } from "../task.ts";
import { callOptions, type CallDefaults, type QueueSubmitOptions } from "./call-options.ts";
import type { Call, CallTable } from "./call-table.ts";
import { QueueUnavailableError } from "./errors.ts";
import { encode } from "./payload.ts";
import type { RedisLink } from "./redis-link.ts";
import type { StoppedCalls } from "./stopped-calls.ts";
import { addressOf } from "./task-address.ts";

export interface CallIntakeOptions {
  lifecycle: ExecutorLifecycle;
  link: RedisLink;
  table: CallTable;
  stopped: StoppedCalls;
  defaults: CallDefaults;
  maxPayloadBytes: number;
  /** A call is held: send what the window has room for. */
  held(): void;
}

export class CallIntake {
  readonly #options: CallIntakeOptions;
  readonly #abortListeners = new AbortListeners<Call>((call) => this.#onAbort(call));

  constructor(options: CallIntakeOptions) {
    this.#options = options;
  }

  /** Hold `fn(...args)` (a chunk of map()'s items with `chunk`) for `future`, and return it. */
  enqueue<F extends Future<any>>(
    future: F,
    fn: AnyFunction,
    args: unknown[],
    chunk: boolean,
    options: QueueSubmitOptions,
  ): F {
    const { lifecycle, link, table, defaults, maxPayloadBytes } = this.#options;
    const { signal, priority, retry } = callOptions(options, defaults);
    lifecycle.refuse();
    if (!link.reachable) throw new QueueUnavailableError(`Redis at ${link.where} is unreachable`);
    const address = addressOf(taskRef(fn, "QueueExecutor"));
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    let payload: string;
    try {
      payload = encode(args, `the arguments of ${address.e}`, maxPayloadBytes);
    } catch (error) {
      future.setException(error);
      return future;
    }
    const call = table.hold(future, address, payload, chunk, signal, priority, retry);
    if (signal) {
      this.#abortListeners.add(signal, call);
      future.addDoneCallback(() => this.#abortListeners.delete(signal, call));
    }
    this.#options.held();
    return future;
  }

  /**
   * Held here (or waiting out a backoff): cancel it. In Redis: withdraw it if no worker took
   * it, else ask its worker to end it.
   */
  #onAbort(call: Call): void {
    if (!call.future.cancel() && this.#options.table.current(call)) this.#options.stopped.stop([call]);
  }
}
