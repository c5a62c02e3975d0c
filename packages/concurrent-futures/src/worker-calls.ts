// In a worker: the tasks its pool told it about, and one call of one of them, whose outcome
// is there at once when the task's module is imported and the task returns no promise (no
// promise to await, no microtask to wait for); `awaiting` is told when a call awaits. The
// worker loop (worker-loop.ts) runs the calls; the import guard is told while one runs.
import { setRunningTask } from "./import-guard.ts";
import type { Outcome } from "./messages.ts";
import { builtArray } from "./plain-data.ts";
import { toErrorRecord } from "./remote-error.ts";
import type { AnyFunction } from "./task.ts";

const tasks = new Map<number, Promise<AnyFunction>>();
/** The same tasks once imported. */
const loaded = new Map<number, AnyFunction>();

/** A task the pool named with `key`, being imported; a call to it waits for the import. */
export function defineTask(key: number, loading: Promise<AnyFunction>): void {
  tasks.set(key, loading);
  loading.then(
    (fn) => loaded.set(key, fn),
    () => {},
  );
}

/** Calls (or the initializer) running now: a worker may submit while one runs (import-guard.ts). */
let tasksRunning = 0;

export function enterTask(): void {
  if (tasksRunning++ === 0) setRunningTask(true);
}

export function leaveTask(): void {
  if (--tasksRunning === 0) setRunningTask(false);
}

/** A call's outcome: at once when its task is imported and returns no promise. */
export function runCall(
  id: number,
  key: number,
  args: unknown[],
  chunk: boolean,
  awaiting: () => void,
): Outcome | Promise<Outcome> {
  const fn = loaded.get(key);
  if (fn === undefined)
    return tasks.get(key)!.then(
      (fn) => callTask(fn, id, args, chunk, awaiting),
      (error): Outcome => [id, 0, toErrorRecord(error)],
    );
  return callTask(fn, id, args, chunk, awaiting);
}

function callTask(
  fn: AnyFunction,
  id: number,
  args: unknown[],
  chunk: boolean,
  awaiting: () => void,
): Outcome | Promise<Outcome> {
  if (chunk) return callChunk(fn, id, args, awaiting);
  enterTask();
  let value: unknown;
  try {
    value = fn(...args);
  } catch (error) {
    leaveTask();
    return [id, 0, toErrorRecord(error)];
  }
  if (!isThenable(value)) {
    leaveTask();
    return returned(id, value);
  }
  awaiting();
  return awaitTask(id, value);
}

async function awaitTask(id: number, pending: PromiseLike<unknown>): Promise<Outcome> {
  try {
    return returned(id, await pending);
  } catch (error) {
    return [id, 0, toErrorRecord(error)];
  } finally {
    leaveTask();
  }
}

/** One item at a time, as for single calls: an async item finishes before the next starts. */
async function callChunk(
  fn: AnyFunction,
  id: number,
  items: unknown[],
  awaiting: () => void,
): Promise<Outcome> {
  enterTask();
  try {
    const results: unknown[] = builtArray([]);
    for (const item of items) {
      const result = fn(item);
      // One look at each result: a million tiny ones spent a third of this loop asking twice.
      if (isThenable(result)) {
        awaiting();
        results.push(await result);
      } else results.push(result);
    }
    return [id, 1, results];
  } catch (error) {
    return [id, 0, toErrorRecord(error)];
  } finally {
    leaveTask();
  }
}

/**
 * The outcome of a call that returned `value`. Nothing returned: [id, 1] reads back as
 * [id, 1, undefined], and stays plain data (process-channel.ts).
 */
function returned(id: number, value: unknown): Outcome {
  return value === undefined ? [id, 1] : [id, 1, value];
}

/** As await sees it: only an object or a function can be a thenable, never a number. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (typeof value !== "object" && typeof value !== "function") return false;
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
