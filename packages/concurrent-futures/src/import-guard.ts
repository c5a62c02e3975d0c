// Refuse to submit work to a pool while a worker is importing a task's module.
//
// A worker imports the module that exports a task. If that module is the program's entry
// point, its top level runs again inside the worker, builds a pool of its own and submits,
// whose worker imports the module again: processes or threads without end. Python's spawn
// start method refuses the same during bootstrap. The worker imports a task's module inside
// an AsyncLocalStorage context, which follows everything that import's top level starts
// (awaited or not), so submit() can tell and fail at once with the fix.
import { AsyncLocalStorage } from "node:async_hooks";

// Shared through the global object: a task's module may load another copy of this library
// (a TypeScript loader's namespace, a second install) than the worker loop did.
const key = Symbol.for("concurrent-futures.importing-task-module");
const importing: AsyncLocalStorage<string> = ((globalThis as Record<symbol, unknown>)[key] ??=
  new AsyncLocalStorage<string>()) as AsyncLocalStorage<string>;

/** Import a task's module (through `load`) with the guard up; workers call it. */
export function importingTaskModule<T>(moduleUrl: string, load: () => Promise<T>): Promise<T> {
  return importing.run(moduleUrl, load);
}

/** Throw when called from the top level of a task module being imported by a worker. */
export function refuseWhileImportingTask(executorName: string): void {
  const moduleUrl = importing.getStore();
  if (moduleUrl === undefined) return;
  throw new Error(
    `${executorName}: submit() was called while a worker was importing ${moduleUrl} to load a task; ` +
      `a task's module runs again in every worker, so a pool started at its top level would start workers without end. ` +
      `Put the tasks in a module of their own and import them from the program, or run the program's top level only ` +
      `in the main program: if (import.meta.url === pathToFileURL(process.argv[1]).href) { ... }`,
  );
}
