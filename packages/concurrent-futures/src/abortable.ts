// abortable(fn): mark a function as taking an AbortSignal as its last parameter.
//
// AsyncExecutor then appends the task's signal to the arguments, and aborts it on
// shutdown({ cancelFutures: true }) or when the signal given to submitWith() aborts. An
// explicit mark, not a guess from fn.length, because optional parameters make arity lie.

const kAbortable = Symbol.for("futures.abortable");

export type Abortable<A extends unknown[], R> = ((...args: A) => R) & {
  readonly [kAbortable]: (...args: [...A, AbortSignal]) => R;
};

export function abortable<A extends unknown[], R>(fn: (...args: [...A, AbortSignal]) => R): Abortable<A, R> {
  // Called directly, outside an executor, nothing will ever abort it.
  const marked = ((...args: A) => fn(...args, new AbortController().signal)) as Abortable<A, R>;
  Object.defineProperty(marked, kAbortable, { value: fn });
  return marked;
}

/** The function that takes the signal, when `fn` was made by abortable(). */
export function signalTaker(fn: unknown): ((...args: unknown[]) => unknown) | undefined {
  return typeof fn === "function"
    ? (fn as { [kAbortable]?: (...args: unknown[]) => unknown })[kAbortable]
    : undefined;
}

/** Mark `wrapper` as taking the same signal as `fn`, when `fn` was made by abortable(). */
export function keepAbortable(fn: unknown, wrapper: object): void {
  const taker = signalTaker(fn);
  if (taker) Object.defineProperty(wrapper, kAbortable, { value: taker });
}
