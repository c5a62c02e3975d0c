// The pinned names each published subpath exports: a change here is a change of the public
// surface, made on purpose. Checked from source (exports.test) and on the installed tarball
// (package.test).

export const ROOT_EXPORTS = [
  "ALL_COMPLETED",
  "AsyncExecutor",
  "BrokenExecutor",
  "BrokenProcessPool",
  "BrokenThreadPool",
  "CancelledError",
  "Executor",
  "FIRST_COMPLETED",
  "FIRST_EXCEPTION",
  "Future",
  "FuturesError",
  "InvalidStateError",
  "ProcessPoolExecutor",
  "RemoteTraceback",
  "ShutdownError",
  "ThreadPoolExecutor",
  "TimeoutError",
  "abortable",
  "asCompleted",
  "isTask",
  "setCallbackErrorReporter",
  "task",
  "traceChannels",
  "wait",
];

export const QUEUE_EXPORTS = [
  "BrokenQueueExecutor",
  "CallNotFoundError",
  "DEFAULT_CONNECTION",
  "LocalPool",
  "QueueExecutor",
  "QueueUnavailableError",
  "QueueWorker",
  "UntrustedJobError",
  "WorkerLostError",
  "connectionOptions",
  "describeConnection",
  "queueStatus",
  "redisOptions",
  "resolveTaskModule",
  "withCertificateAuthority",
  "withoutPassword",
];
