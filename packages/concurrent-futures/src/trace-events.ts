// The tracing events of every executor, published on node:diagnostics_channel (the mechanism
// undici and Node itself use, which OpenTelemetry instrumentations subscribe to): a call's
// submit, start, end, failure or cancel, each naming the call so that they join. Nothing is
// built or sent while a channel has no subscriber (call-stats.ts checks hasSubscribers first).
// The package README documents the names and the shapes below.
import { channel } from "node:diagnostics_channel";

/** The names of the channels, for diagnostics_channel.subscribe(). */
export const traceChannels = Object.freeze({
  submit: "concurrent-futures:submit",
  start: "concurrent-futures:start",
  end: "concurrent-futures:end",
  failure: "concurrent-futures:failure",
  cancel: "concurrent-futures:cancel",
} as const);

// Held here for the life of the program: a channel nobody references could be collected.
export const submitChannel = channel(traceChannels.submit);
export const startChannel = channel(traceChannels.start);
export const endChannel = channel(traceChannels.end);
export const failureChannel = channel(traceChannels.failure);
export const cancelChannel = channel(traceChannels.cancel);

/** The executor's class name: AsyncExecutor, ThreadPoolExecutor, ProcessPoolExecutor, QueueExecutor (or a subclass's). */
export type ExecutorKind = string;

/** One executor, the same object in all of its events. */
export interface ExecutorInfo {
  /** Unique among the executors of this copy of the library in this thread, from 1. */
  readonly id: number;
  readonly kind: ExecutorKind;
}

/** The worker that took a call. */
export interface WorkerInfo {
  /** A pool's thread or process, an AsyncExecutor's slot, or a QueueExecutor's worker (`futures worker`, QueueWorker). */
  readonly kind: "async" | "thread" | "process" | "queue";
  /**
   * Which one of its executor's: a thread or process counts from 0 in start order, an async
   * slot from 0, a queue worker from 0 in the order the executor first heard from it.
   */
  readonly index: number;
  /** The worker thread's threadId. */
  readonly threadId?: number | undefined;
  /** The child process's pid, or the queue worker's. */
  readonly pid?: number | undefined;
  /** A queue worker's host (its os.hostname(), as it reports it). */
  readonly host?: string | undefined;
  /** A queue worker's id: BullMQ's, the one its job locks and queueStatus() show. */
  readonly id?: string | undefined;
}

/** What every event carries. */
export interface CallEvent {
  executor: ExecutorInfo;
  /** The call's id, unique in its executor: the events of one call share it (a queue's: its first job's id). */
  call: number | string;
  /** The task's name: the function's name, a pool task's export name, a queue task's name. */
  task: string;
  /** performance.now() in the thread that submitted the call (milliseconds since performance.timeOrigin). */
  time: number;
}

export type SubmitEvent = CallEvent;

export interface StartEvent extends CallEvent {
  /**
   * Undefined for a QueueExecutor: its calls start when sent to Redis, and the producer learns
   * which worker ran one from its outcome (the end or failure event's `worker`).
   */
  worker: WorkerInfo | undefined;
  /**
   * False when published as the executor marked the call running; true when the executor
   * learnt of the start only with the outcome (a pool's call answered in the same message as
   * the call before it), and `time` is its outcome's time less its run time.
   */
  inferred: boolean;
}

export interface EndEvent extends CallEvent {
  /** Milliseconds from start to end (for pools and queues, as the worker measured it). */
  runMs: number;
  /** The worker that ran it, as known at its end (for a queue's call, from its outcome; else as at its start). */
  worker: WorkerInfo | undefined;
}

export interface FailureEvent extends CallEvent {
  /** What the call raised, or the executor's error (broken pool, terminated workers). */
  error: unknown;
  /** NaN when the executor does not know (a call failed by a broken pool, say). */
  runMs: number;
  /** As in EndEvent; undefined when no worker is known to have run it. */
  worker: WorkerInfo | undefined;
}

export interface CancelEvent extends CallEvent {
  /** Always false but for a queue's call withdrawn from Redis before any worker took it. */
  wasRunning: boolean;
}
