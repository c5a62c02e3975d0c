// How an idle worker thread waits for its next call: for a short while, blocked in
// Atomics.wait on a counter its pool adds one to after each message, reading what came with
// receiveMessageOnPort; then, if nothing came, back on its event loop as before. A call that
// follows soon after the last one so skips the event loop's wake-up and the "message" event
// (a few microseconds of the round trip). While it waits the thread runs nothing else: a timer
// or callback a task left behind runs at most IDLE_WAIT_MS late, and the worker loop still
// gives its event loop a turn every few milliseconds while calls keep coming.
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";

/** How long an idle thread waits blocked before it goes back to its event loop. */
export const IDLE_WAIT_MS = 2;

export class IdleWait {
  readonly #counter: Int32Array;
  readonly #port: MessagePort;
  readonly #deliver: (message: unknown) => void;
  /** The counter's value when the messages it counts were last read. */
  #seen = 0;

  constructor(counter: Int32Array, port: MessagePort, deliver: (message: unknown) => void) {
    this.#counter = counter;
    this.#port = port;
    this.#deliver = deliver;
  }

  /**
   * Wait up to IDLE_WAIT_MS for messages and deliver them at once; true when any came. Output
   * still being written is not held up: the thread then waits on its event loop only.
   */
  wait(): boolean {
    if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) return false;
    const deadline = performance.now() + IDLE_WAIT_MS;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      // Returns at once if a message was counted since the last look.
      if (Atomics.wait(this.#counter, 0, this.#seen, left) === "timed-out") return false;
      this.#seen = Atomics.load(this.#counter, 0);
      // The pool posts, then counts: a message counted now may have been read already.
      let entry = receiveMessageOnPort(this.#port);
      if (!entry) continue;
      do this.#deliver(entry.message);
      while ((entry = receiveMessageOnPort(this.#port)));
      return true;
    }
  }
}

/** The pool's side: count a message just posted and wake the thread if it waits. */
export function wakeWorker(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0, 1);
}
