// Errors that only a queue can raise.
import { BrokenExecutor } from "../errors.ts";

/** Redis was unreachable for too long, or came back empty: the executor's jobs are lost. */
export class BrokenQueueExecutor extends BrokenExecutor {
  override name = "BrokenQueueExecutor";
}

/** The worker that held a job stopped renewing its lock (killed, crashed, frozen). */
export class WorkerLostError extends Error {
  override name = "WorkerLostError";
}

/** A submit while Redis is unreachable: the call is refused at once, not queued offline. */
export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
}

/** A worker with a key refused a job that was not signed with it (forged, or sent without the key). */
export class UntrustedJobError extends Error {
  override name = "UntrustedJobError";
}
