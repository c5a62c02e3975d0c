// The futures library: Python's concurrent.futures for TypeScript.
export {
  FuturesError,
  CancelledError,
  TimeoutError,
  InvalidStateError,
  ShutdownError,
  BrokenExecutor,
  BrokenThreadPool,
  BrokenProcessPool,
} from "./errors.ts";
export {
  Future,
  setCallbackErrorReporter,
  type DoneCallback,
  type FutureState,
  type TimeoutOptions,
} from "./future.ts";
export {
  Executor,
  type MapOptions,
  type Result,
  type ShutdownOptions,
  type SubmitOptions,
  type TransferItem,
} from "./executor.ts";
export {
  asCompleted,
  wait,
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type AsCompletedOptions,
  type CompletedFuture,
  type DoneAndNotDone,
  type FutureResult,
  type ReturnWhen,
  type WaitOptions,
} from "./wait.ts";
export { task, isTask, type Task, type TaskRef, type WrapTheFunctionWithTask } from "./task.ts";
export { abortable, type Abortable } from "./abortable.ts";
export { AsyncExecutor, type AsyncExecutorOptions } from "./async-pool.ts";
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from "./thread-pool.ts";
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from "./process-pool.ts";
export { RemoteTraceback } from "./remote-error.ts";
export type { ExecutorStats, WorkerStats } from "./call-stats.ts";
export type { Percentiles } from "./histogram.ts";
export {
  traceChannels,
  type CallEvent,
  type CancelEvent,
  type EndEvent,
  type ExecutorInfo,
  type ExecutorKind,
  type FailureEvent,
  type StartEvent,
  type SubmitEvent,
  type WorkerInfo,
} from "./trace-events.ts";
