// Task references: how a function is named so that another thread or process can run it.
//
// Python pickles a function as "module + qualified name" and the worker imports it. A
// JavaScript closure cannot cross a thread or process boundary either, so a task carries
// the URL of the module that exports it and the export's name; the worker imports that
// module and looks the export up. In-process executors simply call it.
//
//   export const square = task(import.meta.url, "square", (n: number) => n * n);
//
// import.meta.url is the .ts file under tsx and the .js file once compiled, so the same
// line works from sources and from dist/.

import { keepAbortable } from "./abortable.ts";
import { importModule } from "./import-module.ts";

const kTask = Symbol.for("futures.task");

/** Every task made in this realm: export name -> module URL -> function (see madeTask). */
const made = new Map<string, Map<string, AnyFunction>>();
let resolveByName = false;

export interface TaskRef {
  readonly moduleUrl: string;
  readonly exportName: string;
}

export type AnyFunction = (...args: any[]) => any;

/**
 * The mark task() puts on a function. Thread and process pools accept only functions that
 * carry it, so passing them a plain function fails to compile with this type's name.
 */
export interface WrapTheFunctionWithTask {
  readonly [kTask]: TaskRef;
}

/** A function that also carries where it can be imported from. */
export type Task<F extends AnyFunction = AnyFunction> = F & WrapTheFunctionWithTask;

export function task<F extends AnyFunction>(moduleUrl: string, exportName: string, fn: F): Task<F> {
  if (typeof fn !== "function") throw new TypeError("task() needs a function");
  if (!moduleUrl.includes(":"))
    throw new TypeError(`task() needs a module URL (import.meta.url), got ${moduleUrl}`);
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return fn.apply(this, args);
  };
  // Keep the arity: executors use it to decide whether a task accepts an AbortSignal.
  Object.defineProperty(wrapper, "length", { value: fn.length });
  Object.defineProperty(wrapper, "name", { value: exportName });
  Object.defineProperty(wrapper, kTask, { value: { moduleUrl, exportName } satisfies TaskRef });
  // task(url, name, abortable(fn)) still takes the executor's signal.
  keepAbortable(fn, wrapper);
  let byUrl = made.get(exportName);
  if (!byUrl) made.set(exportName, (byUrl = new Map()));
  byUrl.set(moduleUrl, wrapper);
  return wrapper as unknown as Task<F>;
}

export function isTask(fn: unknown): fn is Task {
  return typeof fn === "function" && kTask in fn;
}

/** The reference of a task, or a TypeError saying how to make one. */
export function taskRef(fn: unknown, executorName: string): TaskRef {
  if (isTask(fn)) return fn[kTask];
  if (typeof fn === "function" && fn.name) {
    throw new TypeError(
      `${executorName} runs functions by reference: export ${fn.name} as ` +
        `task(import.meta.url, "${fn.name}", fn) from a module and submit that`,
    );
  }
  // An arrow passed inline has no name to show: say which name goes there.
  throw new TypeError(
    `${executorName} runs functions by reference, and this one has no name: export it from a module as ` +
      '`export const myTask = task(import.meta.url, "myTask", fn)`, with myTask (twice) ' +
      "replaced by the name you export it under, and submit that export",
  );
}

/**
 * In a bundled worker entry (worker.ts), tasks are found among those its modules made, by
 * name: inside a bundle, import.meta.url is the bundle's file, so the caller's module URL
 * names its own bundle, which a worker must never import (that would run the program again).
 */
export function resolveTasksByName(): void {
  resolveByName = true;
}

function madeTask(ref: TaskRef): AnyFunction {
  const byUrl = made.get(ref.exportName);
  const exact = byUrl?.get(ref.moduleUrl);
  if (exact) return exact;
  if (byUrl?.size === 1) return byUrl.values().next().value!;
  if (!byUrl) {
    throw new TypeError(
      `the worker entry has no task named ${ref.exportName}: import the module that makes it ` +
        `(task(import.meta.url, "${ref.exportName}", fn)) in the worker entry`,
    );
  }
  throw new TypeError(
    `the worker entry has ${byUrl.size} tasks named ${ref.exportName} (${[...byUrl.keys()].join(", ")}): ` +
      `give each task of a bundle its own name`,
  );
}

/** Import the function a reference names; used inside workers. */
export async function resolveTask(ref: TaskRef): Promise<AnyFunction> {
  if (resolveByName) return madeTask(ref);
  const module = await importModule(ref.moduleUrl);
  const fn = module[ref.exportName];
  if (typeof fn !== "function") {
    throw new TypeError(`${ref.moduleUrl} has no exported function named ${ref.exportName}`);
  }
  return fn as AnyFunction;
}
