// The loop that runs inside a worker thread or a child process: run the initializer, then
// run calls in arrival order, one at a time, and send their outcomes back in batches; or,
// when the pool says so (concurrentCallsPerWorker), several at once (overlapping-calls.ts).
import type { MessagePort } from "node:worker_threads";
import { KERNEL_WATCH_ENV } from "./child-process.ts";
import { importingTaskModule, markPoolWorker } from "./import-guard.ts";
import { SKIPPED, type Call, type FromWorker, type Outcome, type ToWorker } from "./messages.ts";
import { OverlappingCalls } from "./overlapping-calls.ts";
import { IdleWait } from "./idle-wait.ts";
import { HAS_PIPE, PIPE_FD, ProcessChannel } from "./process-channel.ts";
import { watchParent } from "./parent-watchdog.ts";
import { describeThrown, toErrorRecord } from "./remote-error.ts";
import { resolveTask, type AnyFunction, type TaskRef } from "./task.ts";
import { defineTask, enterTask, leaveTask, runCall } from "./worker-calls.ts";

type Send = (message: FromWorker) => void;

/**
 * The port to the pool in a worker thread. A child process, which has an IPC channel
 * (process.send), need not load node:worker_threads at all; except on Deno, whose threads
 * see their process's process.send too.
 */
const parentPort =
  process.send && !process.versions.deno ? null : process.getBuiltinModule("node:worker_threads").parentPort;

/** The lanes to the process pool, in a child process. */
const channel =
  !parentPort && process.send
    ? new ProcessChannel({
        // With a callback, a write to a dead parent (EPIPE) is reported there instead of as
        // an unhandled "error" event; the "disconnect" handler below then ends the process.
        ipc: (numbered) => void (process.connected && process.send!(numbered, ignore)),
        pipe: HAS_PIPE
          ? new (process.getBuiltinModule("node:net").Socket)({ fd: PIPE_FD, readable: true, writable: true })
          : undefined,
        deliver: fromEventLoop,
      })
    : undefined;

/** Throws when the message cannot be serialized; a parent that is gone is not an error. */
const send: Send = parentPort
  ? (message) => (port ?? parentPort!).postMessage(message)
  : (message) => channel!.send(message);

function ignore(): void {}

/** Import the module of a task, refusing pools its top level starts (import-guard.ts). */
function loadTask(ref: TaskRef): Promise<AnyFunction> {
  return importingTaskModule(ref.moduleUrl, () => resolveTask(ref));
}

let chain: Promise<void> = Promise.resolve();
/** Ids of calls received and cancelled by the pool before they started. */
const cancelled = new Set<number>();
/** The id of the last call started or skipped; ids grow in the order calls arrive. */
let lastStarted = 0;
/** When the event loop last had a turn here, letting "cancel" messages in. */
let lastTurn = 0;
/** Set by "init" when the worker runs several calls at once; undefined: one at a time. */
let overlapping: OverlappingCalls | undefined;
/** Set by "wake" in a thread whose pool counts its messages (idle-wait.ts), with its own port. */
let idleWait: IdleWait | undefined;
let port: MessagePort | undefined;

function fromEventLoop(message: unknown): void {
  lastTurn = performance.now();
  onMessage(message as ToWorker);
}

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case "wake":
      port = message.port;
      port.on("message", fromEventLoop);
      idleWait = new IdleWait(message, port, onMessage as (message: unknown) => void);
      break;
    case "init":
      if (message.callsAtOnce > 1) overlapping = overlappingCalls(message.callsAtOnce);
      chain = chain.then(() => initialize(message.initializer, message.initargs)).catch(fatal);
      break;
    case "def": {
      // Imported between calls, never while a task runs: see import-guard.ts.
      const loading = chain.then(() => loadTask(message.ref));
      // Awaited by the call that needs it; until then a failure must not count as unhandled.
      loading.catch(ignore);
      defineTask(message.key, loading);
      chain = loading.then(ignore, ignore);
      break;
    }
    case "run": {
      // Overlapping calls start from the chain too: after the initializer and the imports before them.
      const step = chain
        .then(() => (overlapping ? overlapping.add(message.calls) : runCalls(message.calls)))
        .catch(fatal);
      chain = step;
      // Nothing more to do once this step ends, unless a message came meanwhile: wait for one.
      if (idleWait && !overlapping) void step.then(() => chain === step && idleWait!.wait());
      break;
    }
    case "cancel":
      // Not chained: it must take effect before the calls it names start.
      for (const id of message.ids) if (id > lastStarted) cancelled.add(id);
      break;
    case "exit":
      void chain
        .then(() => overlapping?.drained())
        .then(() => channel?.flushed())
        .then(() => process.exit(0));
      break;
  }
}

/**
 * A fault of the loop itself, never of a task (those become outcomes): end the worker, so
 * that the pool breaks and says why instead of waiting for outcomes that never come.
 */
function fatal(error: unknown): never {
  process.stderr.write(`concurrent-futures worker loop: ${describeThrown(error)}\n`);
  process.exit(70);
}

async function initialize(ref: TaskRef | undefined, args: unknown[]): Promise<void> {
  let entered = false;
  try {
    if (ref) {
      const initializer = await loadTask(ref);
      enterTask();
      entered = true;
      await initializer(...args);
    }
  } catch (error) {
    if (entered) leaveTask();
    entered = false;
    send({ t: "init-failed", error: toErrorRecord(error) });
    // Run nothing more; the pool breaks on this message and ends every worker.
    await new Promise(() => {});
  } finally {
    if (entered) leaveTask();
  }
}

/** Several calls at once: each started in arrival order unless cancelled, outcomes sent in turns. */
function overlappingCalls(limit: number): OverlappingCalls {
  return new OverlappingCalls(limit, {
    run: async ([id, key, args, chunk]) => runCall(id, key, args, chunk, flushWhileAwaiting),
    starting: (id) => {
      lastStarted = id;
      return cancelled.size > 0 && cancelled.delete(id);
    },
    flush,
  });
}

// Outcomes are flushed when a batch ends or when a slow call has kept them waiting, so a
// long batch still reports each result promptly; while an async call awaits, a timer does it,
// so that the pool learns soon that the call after them has started. As often, the event loop
// gets a turn before the next call, so that a "cancel" sent meanwhile is seen even after calls
// that never yield.
const FLUSH_AFTER_MS = 2;
/** Outcomes not sent yet, and since when the calls that gave them have been running. */
let outcomes: Outcome[] = [];
let since = 0;
let flushTimer: NodeJS.Timeout | undefined;

async function runCalls(calls: Call[]): Promise<void> {
  if (performance.now() - lastTurn > FLUSH_AFTER_MS) await nextTurn();
  since = performance.now();
  for (const [id, key, args, chunk] of calls) {
    lastStarted = id;
    let outcome =
      cancelled.size > 0 && cancelled.delete(id)
        ? [id, SKIPPED]
        : runCall(id, key, args, chunk, flushWhileAwaiting);
    // Not outcomes.push(await ...): the timer may flush and replace the array meanwhile.
    if (outcome instanceof Promise) outcome = await outcome;
    outcomes.push(outcome as Outcome);
    if (performance.now() - since > FLUSH_AFTER_MS) {
      flushOutcomes();
      await nextTurn();
      since = performance.now();
    }
  }
  flushOutcomes();
}

function flushOutcomes(): void {
  if (outcomes.length === 0) return;
  const now = performance.now();
  flush(outcomes, now - since);
  outcomes = [];
  since = now;
}

/** A call is about to await: flush what waits if it is still waiting FLUSH_AFTER_MS later. */
function flushWhileAwaiting(): void {
  if (outcomes.length === 0 || flushTimer !== undefined) return;
  flushTimer = setTimeout(() => {
    flushTimer = undefined;
    flushOutcomes();
  }, FLUSH_AFTER_MS).unref();
}

/**
 * Let the event loop take pending messages: the second immediate runs after a poll phase for
 * sure, whatever phase the first one was queued from.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() =>
      setImmediate(() => {
        lastTurn = performance.now();
        resolve();
      }),
    ),
  );
}

/** Send outcomes; if one cannot be serialized, send the others and an error for that one only. */
function flush(outcomes: Outcome[], busy: number): void {
  try {
    send({ t: "done", outcomes, busy });
    return;
  } catch {
    // Sent one by one below, so that the one at fault is known.
  }
  const share = busy / outcomes.length;
  for (const outcome of outcomes) {
    try {
      send({ t: "done", outcomes: [outcome], busy: share });
    } catch (error) {
      const what = outcome[1] === 0 ? "exception" : "result";
      const reason = new TypeError(`the task's ${what} cannot be sent back: ${describeThrown(error)}`);
      send({ t: "done", outcomes: [[outcome[0], 0, toErrorRecord(reason)]], busy: share });
    }
  }
}

if (parentPort || process.send) markPoolWorker();
if (parentPort) {
  parentPort.on("message", fromEventLoop);
} else if (process.send) {
  // Started with the kernel's parent-death signal, or else watched by a thread of its own.
  if (process.env[KERNEL_WATCH_ENV] === "1") delete process.env[KERNEL_WATCH_ENV];
  else watchParent();
  process.on("message", (numbered) => channel!.fromIpc(numbered));
  // The pool is gone (exited, crashed or killed): nothing left to work for.
  process.on("disconnect", () => process.exit(0));
  // Ctrl-C in a terminal reaches the whole process group. The parent decides what an
  // interrupt means (cancel, shut down, terminate workers); a child dying on its own would
  // turn that into a broken pool.
  process.on("SIGINT", () => {});
} else {
  console.error(
    "concurrent-futures worker loop: must be started by a ThreadPoolExecutor or ProcessPoolExecutor",
  );
  process.exit(2);
}
