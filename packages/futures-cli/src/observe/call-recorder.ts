// Records the calls of every executor in this thread from the library's tracing events
// (node:diagnostics_channel, documented in the library's README) while a command runs: a
// call's submit event says when it was submitted, its start event which worker took it, its
// end or failure event when it ended and how long it ran. Calls that never started (a pool
// broken first) have no span.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  traceChannels,
  type CallEvent,
  type EndEvent,
  type ExecutorInfo,
  type FailureEvent,
  type StartEvent,
  type WorkerInfo,
} from "concurrent-futures";
import type { CallSpan } from "./call-span.ts";

const { submit: SUBMIT, start: START, end: END, failure: FAILURE, cancel: CANCEL } = traceChannels;

/** A call that started and has not ended. */
export interface RunningCall {
  executor: string;
  worker: string;
  task: string;
  startedAt: number;
}

/** Who follows the calls as they happen (the dashboard). */
export interface CallListener {
  submitted(): void;
  started(call: RunningCall): void;
  /** `span` is undefined for a call that failed before it started (its pool broke). */
  ended(outcome: CallSpan["outcome"], span: CallSpan | undefined, running: RunningCall | undefined): void;
  cancelled(): void;
}

export class CallRecorder {
  readonly spans: CallSpan[] = [];
  /** The calls started and not ended, by executor and call id. */
  readonly #running = new Map<string, RunningCall>();
  /** When each call not yet ended was submitted. */
  readonly #submitted = new Map<string, number>();
  readonly #listener: CallListener | undefined;
  /** Keep every span (for a trace file); a dashboard alone keeps none. */
  readonly #keep: boolean;
  #recording = false;

  constructor({ keep = true, listener }: { keep?: boolean; listener?: CallListener } = {}) {
    this.#keep = keep;
    this.#listener = listener;
  }

  readonly #onSubmit = (message: unknown): void => {
    const event = message as CallEvent;
    this.#submitted.set(callKey(event), event.time);
    this.#listener?.submitted();
  };
  readonly #onCancel = (message: unknown): void => {
    const key = callKey(message as CallEvent);
    this.#running.delete(key);
    this.#submitted.delete(key);
    this.#listener?.cancelled();
  };
  readonly #onStart = (message: unknown): void => {
    const event = message as StartEvent;
    const call: RunningCall = {
      executor: executorName(event.executor),
      worker: workerName(event.worker),
      task: event.task,
      startedAt: event.time,
    };
    this.#running.set(callKey(event), call);
    this.#listener?.started(call);
  };
  readonly #onEnd = (message: unknown): void => this.#ended(message as EndEvent, "ok");
  readonly #onFailure = (message: unknown): void => this.#ended(message as FailureEvent, "failed");

  start(): void {
    if (this.#recording) return;
    this.#recording = true;
    subscribe(SUBMIT, this.#onSubmit);
    subscribe(START, this.#onStart);
    subscribe(END, this.#onEnd);
    subscribe(FAILURE, this.#onFailure);
    subscribe(CANCEL, this.#onCancel);
  }

  stop(): void {
    if (!this.#recording) return;
    this.#recording = false;
    unsubscribe(SUBMIT, this.#onSubmit);
    unsubscribe(START, this.#onStart);
    unsubscribe(END, this.#onEnd);
    unsubscribe(FAILURE, this.#onFailure);
    unsubscribe(CANCEL, this.#onCancel);
  }

  /** Workers seen, over every executor. */
  get workerCount(): number {
    return new Set(this.spans.map((span) => `${span.executor}\0${span.worker}`)).size;
  }

  #ended(event: EndEvent | FailureEvent, outcome: CallSpan["outcome"]): void {
    const key = callKey(event);
    const running = this.#running.get(key);
    const submittedAt = this.#submitted.get(key);
    this.#running.delete(key);
    this.#submitted.delete(key);
    if (!Number.isFinite(event.runMs)) return this.#listener?.ended(outcome, undefined, running); // never started
    const startedAt = event.time - event.runMs;
    const span: CallSpan = {
      executor: executorName(event.executor),
      worker: running?.worker ?? workerName(undefined),
      task: event.task,
      // A call submitted before recording began waited from then, as far as it shows.
      submittedAt: Math.min(startedAt, submittedAt ?? startedAt),
      startedAt,
      endedAt: event.time,
      outcome,
    };
    if (this.#keep) this.spans.push(span);
    this.#listener?.ended(outcome, span, running);
  }
}

function callKey(event: CallEvent): string {
  return `${event.executor.id}\0${String(event.call)}`;
}

function executorName(executor: ExecutorInfo): string {
  return `${executor.kind} ${executor.id}`;
}

/** A worker as the trace names its track; a queue's producer does not learn which worker took a job. */
function workerName(worker: WorkerInfo | undefined): string {
  if (!worker) return "queue workers";
  if (worker.kind === "process") return `process ${worker.pid ?? worker.index}`;
  return worker.kind === "thread" ? `thread ${worker.index}` : `async slot ${worker.index}`;
}
