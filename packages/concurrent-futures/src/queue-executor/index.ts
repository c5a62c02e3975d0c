// concurrent-futures/queue: the Executor contract over BullMQ on Redis, and the worker that
// runs its jobs. bullmq and ioredis are optional peer dependencies, needed only here.
export { QueueExecutor, type QueueExecutorEvent, type QueueExecutorOptions } from "./queue-executor.ts";
export type { QueueFuture } from "./queue-future.ts";
export type { QueueSubmitOptions } from "./call-options.ts";
export type { Backoff, RetryOn, RetryOptions } from "./retry-policy.ts";
export {
  QueueWorker,
  type LocalExecutorKind,
  type QueueWorkerEvent,
  type QueueWorkerOptions,
} from "./queue-worker.ts";
export { LocalPool, type LocalPoolOptions } from "./local-pool.ts";
export { resolveTaskModule } from "./task-modules.ts";
export {
  queueStatus,
  type JobCounts,
  type OlderWorker,
  type QueueStatus,
  type QueueStatusOptions,
  type RedisMemory,
  type WorkerStatus,
} from "./queue-status.ts";
export {
  BrokenQueueExecutor,
  CallNotFoundError,
  QueueUnavailableError,
  UntrustedJobError,
  WorkerLostError,
} from "./errors.ts";
export type { QueueKey } from "./job-signature.ts";
export {
  DEFAULT_CONNECTION,
  connectionOptions,
  describeConnection,
  redisOptions,
  withCertificateAuthority,
  withoutPassword,
  type ClusterConnection,
  type Connection,
} from "./connection.ts";
