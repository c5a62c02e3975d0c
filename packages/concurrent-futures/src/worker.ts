// The loop that runs inside a worker thread or a child process: run the initializer, then
// run calls in arrival order, one at a time, and send their outcomes back in batches.
import { parentPort } from "node:worker_threads";
import type { Call, FromWorker, Outcome, ToWorker } from "./messages.ts";
import { toErrorRecord } from "./remote-error.ts";
import { resolveTask, type AnyFunction, type TaskRef } from "./task.ts";

type Send = (message: FromWorker) => void;

const send: Send = parentPort
  ? (message) => parentPort!.postMessage(message)
  : (message) => void process.send!(message);

const tasks = new Map<number, Promise<AnyFunction>>();
let chain: Promise<void> = Promise.resolve();

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case "init":
      chain = chain.then(() => initialize(message.initializer, message.initargs));
      break;
    case "def": {
      const loading = resolveTask(message.ref);
      // Awaited by the call that needs it; until then a failure must not count as unhandled.
      loading.catch(() => {});
      tasks.set(message.key, loading);
      break;
    }
    case "run":
      chain = chain.then(() => runCalls(message.calls));
      break;
    case "exit":
      void chain.then(() => process.exit(0));
      break;
  }
}

async function initialize(ref: TaskRef | undefined, args: unknown[]): Promise<void> {
  try {
    if (ref) await (await resolveTask(ref))(...args);
    send({ t: "ready" });
  } catch (error) {
    send({ t: "init-failed", error: toErrorRecord(error) });
    // Run nothing more; the pool breaks on this message and ends every worker.
    await new Promise(() => {});
  }
}

// Outcomes are flushed when a batch ends or when a slow call has kept them waiting, so a
// long batch still reports each result promptly.
const FLUSH_AFTER_MS = 2;

async function runCalls(calls: Call[]): Promise<void> {
  let outcomes: Outcome[] = [];
  let started = performance.now();
  let lastFlush = started;
  for (const [id, key, args, chunk] of calls) {
    outcomes.push(await runCall(id, key, args, chunk));
    const now = performance.now();
    if (now - lastFlush > FLUSH_AFTER_MS) {
      flush(outcomes, now - started);
      outcomes = [];
      started = lastFlush = now;
    }
  }
  if (outcomes.length > 0) flush(outcomes, performance.now() - started);
}

async function runCall(id: number, key: number, args: unknown[], chunk: boolean): Promise<Outcome> {
  try {
    const fn = await tasks.get(key)!;
    let value: unknown;
    if (chunk) {
      // One call at a time, as for single calls: an async item finishes before the next starts.
      const results: unknown[] = [];
      for (const item of args) {
        const result = fn(item);
        results.push(isThenable(result) ? await result : result);
      }
      value = results;
    } else {
      value = fn(...args);
      if (isThenable(value)) value = await value;
    }
    return [id, 1, value];
  } catch (error) {
    return [id, 0, toErrorRecord(error)];
  }
}

/** Send outcomes; if one cannot be cloned, send the others and an error for that one only. */
function flush(outcomes: Outcome[], busy: number): void {
  try {
    send({ t: "done", outcomes, busy });
  } catch {
    const sendable = outcomes.map((outcome): Outcome => {
      try {
        structuredClone(outcome[2]);
        return outcome;
      } catch (error) {
        const reason = new TypeError(`the task's result cannot be sent back: ${(error as Error).message}`);
        return [outcome[0], 0, toErrorRecord(reason)];
      }
    });
    send({ t: "done", outcomes: sendable, busy });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

if (parentPort) {
  parentPort.on("message", onMessage);
} else if (process.send) {
  process.on("message", (message) => onMessage(message as ToWorker));
  // The pool is gone (exited, crashed or killed): nothing left to work for.
  process.on("disconnect", () => process.exit(0));
  // Ctrl-C in a terminal reaches the whole process group. The parent decides what an
  // interrupt means (cancel, shut down, terminate workers); a child dying on its own would
  // turn that into a broken pool.
  process.on("SIGINT", () => {});
} else {
  console.error("futures worker: must be started by a ThreadPoolExecutor or ProcessPoolExecutor");
  process.exit(2);
}
