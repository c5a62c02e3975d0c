// One "abort" listener per AbortSignal, shared by every task submitted with it.
//
// A listener per task would put hundreds on a signal shared by a whole batch of work, and
// Node warns past ten (MaxListenersExceededWarning). One listener per signal, removed with
// the last task that waits on it, leaves nothing behind on a long-lived signal.

export class AbortListeners<T> {
  readonly #waiting = new Map<AbortSignal, { items: Set<T>; listener: () => void }>();
  readonly #onAbort: (item: T, signal: AbortSignal) => void;

  constructor(onAbort: (item: T, signal: AbortSignal) => void) {
    this.#onAbort = onAbort;
  }

  add(signal: AbortSignal, item: T): void {
    let entry = this.#waiting.get(signal);
    if (!entry) {
      const listener = (): void => {
        const items = [...entry!.items];
        this.#forget(signal);
        for (const waiting of items) this.#onAbort(waiting, signal);
      };
      entry = { items: new Set(), listener };
      this.#waiting.set(signal, entry);
      signal.addEventListener("abort", listener, { once: true });
    }
    entry.items.add(item);
  }

  delete(signal: AbortSignal, item: T): void {
    const entry = this.#waiting.get(signal);
    if (entry?.items.delete(item) && entry.items.size === 0) this.#forget(signal);
  }

  #forget(signal: AbortSignal): void {
    const entry = this.#waiting.get(signal);
    if (!entry) return;
    this.#waiting.delete(signal);
    signal.removeEventListener("abort", entry.listener);
  }
}
