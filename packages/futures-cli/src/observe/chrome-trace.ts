// Calls as a Chrome trace (the JSON "Trace Event Format" that Perfetto and chrome://tracing
// open): a process per executor, a thread per worker, a complete event per call. Times are
// microseconds from the first submit, so that the file does not depend on when the command
// started.
import type { CallSpan } from "./call-span.ts";

interface TraceEvent {
  name: string;
  ph: "X" | "M";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args: Record<string, string | number>;
}

/** The trace of these calls: `{ traceEvents, displayTimeUnit }`, as text. */
export function chromeTrace(spans: readonly CallSpan[]): string {
  const events: TraceEvent[] = [];
  const executors = new Map<string, { pid: number; workers: Map<string, Worker> }>();
  let origin = Infinity;
  for (const span of spans) origin = Math.min(origin, span.submittedAt);
  const micros = (ms: number): number => Math.round((ms - origin) * 1000);
  let tids = 0;
  // In order of start, so that each call takes the first row of its worker free by then.
  for (const span of [...spans].sort((a, b) => a.startedAt - b.startedAt)) {
    let executor = executors.get(span.executor);
    if (!executor) {
      executor = { pid: executors.size + 1, workers: new Map() };
      executors.set(span.executor, executor);
      events.push(meta("process_name", executor.pid, 0, span.executor));
    }
    let worker = executor.workers.get(span.worker);
    if (!worker) {
      worker = { rows: [] };
      executor.workers.set(span.worker, worker);
    }
    // A worker that runs several calls at once (threads with callsPerWorker, an async
    // task's overlapping calls) gets a row for each, since a track's events must nest.
    let row = worker.rows.findIndex((free) => free.endedAt <= span.startedAt);
    if (row < 0) {
      row = worker.rows.length;
      const name = row === 0 ? span.worker : `${span.worker} (call ${row + 1} at once)`;
      worker.rows.push({ tid: ++tids, endedAt: 0 });
      events.push(meta("thread_name", executor.pid, worker.rows[row]!.tid, name));
    }
    worker.rows[row]!.endedAt = span.endedAt;
    const ts = micros(span.startedAt);
    events.push({
      name: span.task,
      cat: span.outcome,
      ph: "X",
      pid: executor.pid,
      tid: worker.rows[row]!.tid,
      ts,
      dur: Math.max(0, micros(span.endedAt) - ts),
      args: { outcome: span.outcome, waited_ms: round(span.startedAt - span.submittedAt) },
    });
  }
  return JSON.stringify({ traceEvents: events, displayTimeUnit: "ms" });
}

/** The rows of one worker's track: each holds calls that do not overlap. */
interface Worker {
  rows: { tid: number; endedAt: number }[];
}

function meta(name: "process_name" | "thread_name", pid: number, tid: number, label: string): TraceEvent {
  return { name, ph: "M", pid, tid, args: { name: label } };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
