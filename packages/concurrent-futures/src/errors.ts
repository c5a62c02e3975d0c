// Errors of the futures library. All extend FuturesError and carry a stable `code`
// (ERR_FUTURES_*), the way Node's and undici's errors do, so callers can branch on the code
// instead of on a message. Each sets `name` so that it prints and serializes clearly.
//
// `instanceof` works across copies of this package (a bundled CLI and `dist/` loaded in the
// same process, two versions in node_modules): every class puts a brand, a Symbol.for() key,
// on its prototype, and FuturesError's Symbol.hasInstance asks for the brand of the class on
// the right of `instanceof`. A subclass's prototype inherits its parents' brands, so a
// BrokenThreadPool is a BrokenExecutor and a FuturesError, and a BrokenExecutor is not a
// BrokenThreadPool. A user's subclass that declares no brand gets ordinary `instanceof`.

const kBrand = Symbol("concurrent-futures.error.brand");

/**
 * Stamps a class with its cross-copy brand (on the prototype, so subclasses inherit it). For
 * the library's own classes only; not exported from the package.
 */
export function brandFuturesError(Class: abstract new (...args: never[]) => Error, name: string): void {
  const symbol = Symbol.for(`concurrent-futures.error.${name}`);
  Object.defineProperty(Class, kBrand, { value: symbol });
  Object.defineProperty(Class.prototype, symbol, { value: true });
}

/** The base class of every error the library raises: catch it to catch "any futures error". */
export class FuturesError extends Error {
  override name = "FuturesError";
  /** Stable identifier of the error kind, `ERR_FUTURES_*`; messages may change, codes do not. */
  readonly code: string = "ERR_FUTURES";

  static override [Symbol.hasInstance](instance: unknown): boolean {
    const symbol = Object.hasOwn(this, kBrand)
      ? (this as unknown as { [kBrand]: symbol })[kBrand]
      : undefined;
    // A class without its own brand (a user's subclass) gets the ordinary prototype check.
    if (symbol === undefined) return Function.prototype[Symbol.hasInstance].call(this, instance);
    return (
      (typeof instance === "object" || typeof instance === "function") &&
      instance !== null &&
      (instance as Record<symbol, unknown>)[symbol] === true
    );
  }
  static {
    brandFuturesError(this, "FuturesError");
  }
}

/** The future was cancelled before it ran. */
export class CancelledError extends FuturesError {
  override name = "CancelledError";
  override readonly code = "ERR_FUTURES_CANCELLED";
  constructor(message = "the future was cancelled", options?: ErrorOptions) {
    super(message, options);
  }
  static {
    brandFuturesError(this, "CancelledError");
  }
}

/** A timeout given to result(), exception(), asCompleted() or map() ran out. */
export class TimeoutError extends FuturesError {
  override name = "TimeoutError";
  override readonly code = "ERR_FUTURES_TIMEOUT";
  static {
    brandFuturesError(this, "TimeoutError");
  }
}

/** A future was set twice, or asked to run from a state that does not allow it. */
export class InvalidStateError extends FuturesError {
  override name = "InvalidStateError";
  override readonly code = "ERR_FUTURES_INVALID_STATE";
  static {
    brandFuturesError(this, "InvalidStateError");
  }
}

/** submit() was called after shutdown(). */
export class ShutdownError extends FuturesError {
  override name = "ShutdownError";
  override readonly code = "ERR_FUTURES_SHUTDOWN";
  constructor(message = "cannot schedule new futures after shutdown", options?: ErrorOptions) {
    super(message, options);
  }
  static {
    brandFuturesError(this, "ShutdownError");
  }
}

/** A pool can no longer run work: a worker died abruptly or its initializer failed. */
export class BrokenExecutor extends FuturesError {
  override name = "BrokenExecutor";
  override readonly code: string = "ERR_FUTURES_BROKEN_EXECUTOR";
  static {
    brandFuturesError(this, "BrokenExecutor");
  }
}

export class BrokenThreadPool extends BrokenExecutor {
  override name = "BrokenThreadPool";
  override readonly code = "ERR_FUTURES_BROKEN_THREAD_POOL";
  static {
    brandFuturesError(this, "BrokenThreadPool");
  }
}

export class BrokenProcessPool extends BrokenExecutor {
  override name = "BrokenProcessPool";
  override readonly code = "ERR_FUTURES_BROKEN_PROCESS_POOL";
  static {
    brandFuturesError(this, "BrokenProcessPool");
  }
}
