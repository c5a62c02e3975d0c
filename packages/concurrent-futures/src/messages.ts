// The messages between a pool and its workers, the same for threads and processes.
import type { MessagePort } from "node:worker_threads";
import type { ErrorRecord } from "./remote-error.ts";
import type { TaskRef } from "./task.ts";

/** Sent first: the initializer to run before any task. */
export interface InitMessage {
  t: "init";
  initializer: TaskRef | undefined;
  initargs: unknown[];
  /** How many calls the worker runs at once (concurrentCallsPerWorker); 1 runs them in turn. */
  callsAtOnce: number;
}

/** Names a task once per worker, so later calls send a small number instead of a URL. */
export interface DefineMessage {
  t: "def";
  key: number;
  ref: TaskRef;
}

/** A call: id, task key, arguments, and whether args is a chunk of single arguments. */
export type Call = [id: number, key: number, args: unknown[], chunk: boolean];

export interface RunMessage {
  t: "run";
  calls: Call[];
}

/**
 * Calls of earlier "run" messages cancelled in the pool: the worker skips each one it has not
 * started yet and answers it as skipped.
 */
export interface CancelMessage {
  t: "cancel";
  ids: number[];
}

export interface ExitMessage {
  t: "exit";
}

/**
 * Sent first to a Node thread, before "init": the port every later message comes and goes by,
 * and the counter its pool adds one to after each message it sends.
 */
export interface WakeMessage {
  t: "wake";
  counter: Int32Array;
  port: MessagePort;
  /** Shared by the pool's threads: how many of them hold calls, as the pool counts them. */
  busy: Int32Array;
  /** Whether an idle thread first looks for its next call before sleeping (idle-wait.ts). */
  spins: boolean;
}

export type ToWorker = WakeMessage | InitMessage | DefineMessage | RunMessage | CancelMessage | ExitMessage;

/** An outcome: id, 1 with the value, 0 with an error record, or SKIPPED (cancelled, never started). */
export type Outcome =
  | [id: number, ok: 1, value?: unknown]
  | [id: number, ok: 0, error: ErrorRecord]
  | [id: number, ok: typeof SKIPPED];

export const SKIPPED = 2;

export interface InitFailedMessage {
  t: "init-failed";
  error: ErrorRecord;
}

export interface DoneMessage {
  t: "done";
  outcomes: Outcome[];
  /** Milliseconds spent running these calls; the pool sizes its batches by it. */
  busy: number;
}

export type FromWorker = InitFailedMessage | DoneMessage;
