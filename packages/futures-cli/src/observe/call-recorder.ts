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
  /** "executor · worker": the dashboard's lane. */
  lane: string;
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

/** A call submitted and not ended. */
interface Pending {
  submittedAt: number;
  running: RunningCall | undefined;
}

/** An executor's calls not ended, by call id, and its names as tracks show them. */
interface Calls {
  name: string;
  pending: Map<number | string, Pending>;
  /** Track names by worker kind and number (an event may carry a new object for the same worker). */
  workers: Record<WorkerInfo["kind"], Map<number, string>>;
}

export class CallRecorder {
  readonly spans: CallSpan[] = [];
  /** By executor id: an event costs two map lookups, no string built. */
  readonly #executors = new Map<number, Calls>();
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
    this.#calls(event.executor).pending.set(event.call, { submittedAt: event.time, running: undefined });
    this.#listener?.submitted();
  };
  readonly #onCancel = (message: unknown): void => {
    const event = message as CallEvent;
    this.#calls(event.executor).pending.delete(event.call);
    this.#listener?.cancelled();
  };
  readonly #onStart = (message: unknown): void => {
    const event = message as StartEvent;
    const calls = this.#calls(event.executor);
    const worker = this.#workerName(calls, event.worker);
    const running: RunningCall = {
      executor: calls.name,
      worker,
      lane: `${calls.name} · ${worker}`,
      task: event.task,
      startedAt: event.time,
    };
    const pending = calls.pending.get(event.call);
    if (pending) pending.running = running;
    else calls.pending.set(event.call, { submittedAt: event.time, running });
    this.#listener?.started(running);
  };
  readonly #onEnd = (message: unknown): void => this.#ended(message as EndEvent, "ok");
  readonly #onFailure = (message: unknown): void => this.#ended(message as FailureEvent, "failed");

  /** The channels read, each with its handler. */
  readonly #handlers: [string, (message: unknown) => void][] = [
    [SUBMIT, this.#onSubmit],
    [START, this.#onStart],
    [END, this.#onEnd],
    [FAILURE, this.#onFailure],
    [CANCEL, this.#onCancel],
  ];

  start(): void {
    if (this.#recording) return;
    this.#recording = true;
    for (const [name, handler] of this.#handlers) subscribe(name, handler);
  }

  stop(): void {
    if (!this.#recording) return;
    this.#recording = false;
    for (const [name, handler] of this.#handlers) unsubscribe(name, handler);
  }

  /** Workers seen, over every executor. */
  get workerCount(): number {
    return new Set(this.spans.map((span) => `${span.executor}\0${span.worker}`)).size;
  }

  #ended(event: EndEvent | FailureEvent, outcome: CallSpan["outcome"]): void {
    const calls = this.#calls(event.executor);
    const pending = calls.pending.get(event.call);
    calls.pending.delete(event.call);
    const running = pending?.running;
    if (!Number.isFinite(event.runMs)) return this.#listener?.ended(outcome, undefined, running); // never started
    const startedAt = event.time - event.runMs;
    // A queue's call learns its worker only from its outcome.
    const worker = event.worker ? this.#workerName(calls, event.worker) : running?.worker;
    const span: CallSpan = {
      executor: calls.name,
      worker: worker ?? this.#workerName(calls, undefined),
      task: event.task,
      // A call submitted before recording began waited from then, as far as it shows.
      submittedAt: Math.min(startedAt, pending?.submittedAt ?? startedAt),
      startedAt,
      endedAt: event.time,
      outcome,
    };
    if (this.#keep) this.spans.push(span);
    this.#listener?.ended(outcome, span, running);
  }

  #calls(executor: ExecutorInfo): Calls {
    let calls = this.#executors.get(executor.id);
    if (!calls) {
      const workers = { async: new Map(), thread: new Map(), process: new Map(), queue: new Map() };
      calls = { name: `${executor.kind} ${executor.id}`, pending: new Map(), workers };
      this.#executors.set(executor.id, calls);
    }
    return calls;
  }

  /** A worker as its track is named, built once per worker. */
  #workerName(calls: Calls, worker: WorkerInfo | undefined): string {
    if (!worker) return IN_QUEUE;
    const names = calls.workers[worker.kind];
    const number = worker.kind === "process" ? (worker.pid ?? worker.index) : worker.index;
    let name = names.get(number);
    if (name === undefined) {
      name = trackName(worker, number);
      names.set(number, name);
    }
    return name;
  }
}

function trackName(worker: WorkerInfo, number: number): string {
  switch (worker.kind) {
    case "process":
      return `process ${number}`;
    case "thread":
      return `thread ${number}`;
    case "async":
      return `async slot ${number}`;
    case "queue":
      return `${worker.host ?? "worker"} pid ${worker.pid ?? "?"}`;
  }
}

/**
 * A queue's call, from its send until its outcome names the worker that ran it (a worker of an
 * earlier release names none: its calls stay on this track).
 */
const IN_QUEUE = "sent to the queue";
