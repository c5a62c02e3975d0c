// Errors of the futures library. Each sets `name` so that it prints and serializes clearly,
// and each is a real subclass, so `instanceof` works across the whole API.

/** The future was cancelled before it ran. */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(message = "the future was cancelled") {
    super(message);
  }
}

/** A timeout given to result(), exception(), asCompleted() or map() ran out. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** A future was set twice, or asked to run from a state that does not allow it. */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

/** submit() was called after shutdown(). */
export class ShutdownError extends Error {
  override name = "ShutdownError";
  constructor(message = "cannot schedule new futures after shutdown") {
    super(message);
  }
}

/** A pool can no longer run work: a worker died abruptly or its initializer failed. */
export class BrokenExecutor extends Error {
  override name = "BrokenExecutor";
}

export class BrokenThreadPool extends BrokenExecutor {
  override name = "BrokenThreadPool";
}

export class BrokenProcessPool extends BrokenExecutor {
  override name = "BrokenProcessPool";
}
