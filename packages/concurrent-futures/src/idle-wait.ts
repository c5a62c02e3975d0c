// How an idle worker thread waits for its next call: for a short while, on a counter its pool
// adds one to after each message, reading what came with receiveMessageOnPort; for the first
// 20 us it looks at the counter, then it sleeps in Atomics.wait; then, if nothing came, it goes
// back to its event loop as before. A call that follows soon after the last one so skips the
// event loop's wake-up and the "message" event, and often the thread's own wake-up (a futex
// wake to a resting core cost the pool's thread 10-15 us here, more than the 20 us of looking
// cost this one in CPU). While it waits the thread runs nothing else: a timer or callback a
// task left behind runs at most IDLE_WAIT_MS late, and the worker loop still gives its event
// loop a turn every few milliseconds while calls keep coming.
import type { MessagePort } from "node:worker_threads";
import type { WakeMessage } from "./messages.ts";

/** How long an idle thread waits blocked before it goes back to its event loop. */
export const IDLE_WAIT_MS = 2;
/** How long it first looks for a call without sleeping (20 us). */
export const SPIN_MS = 0.02;

export class IdleWait {
  readonly #counter: Int32Array;
  readonly #port: MessagePort;
  readonly #deliver: (message: unknown) => void;
  /** The counter's value when the messages it counts were last read. */
  #seen = 0;

  /** How many of the pool's threads hold calls, as the pool counts them. */
  readonly #busy: Int32Array;
  readonly #spins: boolean;
  /** Loaded here, in the thread: the pool's side (wakeWorker) must not load node:worker_threads. */
  readonly #receive = process.getBuiltinModule("node:worker_threads").receiveMessageOnPort;

  constructor({ counter, busy, spins }: WakeMessage, port: MessagePort, deliver: (message: unknown) => void) {
    this.#counter = counter;
    this.#busy = busy;
    this.#spins = spins;
    this.#port = port;
    this.#deliver = deliver;
  }

  /**
   * Wait up to IDLE_WAIT_MS for messages and deliver them at once; true when any came. Output
   * still being written is not held up: the thread then waits on its event loop only.
   */
  wait(): boolean {
    if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) return false;
    // The next call often comes within microseconds: look for it before sleeping, as a
    // sleeping thread costs its pool's thread a wake-up on another core; but only while no
    // other thread of the pool holds calls (this one still counts until its answer is read),
    // so that the pool's thread keeps a core for their results and its next calls.
    if (this.#spins && Atomics.load(this.#busy, 0) <= 1) {
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(this.#counter, 0) === this.#seen && performance.now() < spinUntil);
    }
    const deadline = performance.now() + IDLE_WAIT_MS;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      // Returns at once if a message was counted since the last look.
      if (Atomics.wait(this.#counter, 0, this.#seen, left) === "timed-out") return false;
      this.#seen = Atomics.load(this.#counter, 0);
      // The pool posts, then counts: a message counted now may have been read already.
      let entry = this.#receive(this.#port);
      if (!entry) continue;
      do this.#deliver(entry.message);
      while ((entry = this.#receive(this.#port)));
      return true;
    }
  }
}

/** The pool's side: count a message just posted and wake the thread if it waits. */
export function wakeWorker(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0, 1);
}
