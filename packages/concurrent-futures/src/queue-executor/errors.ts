// Errors that only a queue can raise. Like every error of the library they extend
// FuturesError, carry a stable code and a cross-copy brand (see ../errors.ts), and are
// registered so that one raised inside a task comes back from a worker as its own class.
import { BrokenExecutor, FuturesError, brandFuturesError } from "../errors.ts";
import { rebuildErrorsAs } from "../remote-error.ts";

/** Redis was unreachable for too long, or came back empty: the executor's jobs are lost. */
export class BrokenQueueExecutor extends BrokenExecutor {
  override name = "BrokenQueueExecutor";
  override readonly code = "ERR_FUTURES_BROKEN_QUEUE_EXECUTOR";
  static {
    brandFuturesError(this, "BrokenQueueExecutor");
  }
}

/** The worker that held a job stopped renewing its lock (killed, crashed, frozen). */
export class WorkerLostError extends FuturesError {
  override name = "WorkerLostError";
  override readonly code = "ERR_FUTURES_WORKER_LOST";
  static {
    brandFuturesError(this, "WorkerLostError");
  }
}

/** A submit while Redis is unreachable: the call is refused at once, not queued offline. */
export class QueueUnavailableError extends FuturesError {
  override name = "QueueUnavailableError";
  override readonly code = "ERR_FUTURES_QUEUE_UNAVAILABLE";
  static {
    brandFuturesError(this, "QueueUnavailableError");
  }
}

/** A worker with a key refused a job that was not signed with it (forged, or sent without the key). */
export class UntrustedJobError extends FuturesError {
  override name = "UntrustedJobError";
  override readonly code = "ERR_FUTURES_UNTRUSTED_JOB";
  static {
    brandFuturesError(this, "UntrustedJobError");
  }
}

/** attach() found no call of that id in Redis: read already, expired, or never sent. */
export class CallNotFoundError extends FuturesError {
  override name = "CallNotFoundError";
  override readonly code = "ERR_FUTURES_CALL_NOT_FOUND";
  static {
    brandFuturesError(this, "CallNotFoundError");
  }
}

rebuildErrorsAs(
  BrokenQueueExecutor,
  WorkerLostError,
  QueueUnavailableError,
  UntrustedJobError,
  CallNotFoundError,
);
