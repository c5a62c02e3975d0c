// One "abort" listener per signal, shared by every request that waits on it.
//
// A download run hands one signal to hundreds of requests in flight at once. Node's
// EventTarget compares each new listener with every one already on the signal, and walks
// them again to remove one, so a listener per request costs time that grows with the
// number in flight.

interface Waiting {
  callbacks: Set<() => void>;
  listener: () => void;
}

const waiting = new WeakMap<AbortSignal, Waiting>();

/** Call `onAbort` once if `signal` aborts; the returned function stops listening. */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let entry = waiting.get(signal);
  if (!entry) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      waiting.delete(signal);
      for (const callback of [...callbacks]) callback();
    };
    entry = { callbacks, listener };
    waiting.set(signal, entry);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { callbacks, listener } = entry;
  callbacks.add(onAbort);
  return () => {
    // The last one to stop listening takes the shared listener off the signal.
    if (callbacks.delete(onAbort) && callbacks.size === 0 && waiting.get(signal) === entry) {
      waiting.delete(signal);
      signal.removeEventListener("abort", listener);
    }
  };
}
