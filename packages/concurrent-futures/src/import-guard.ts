// Refuse to submit work to a pool from a worker, unless a task running there does it.
//
// A worker imports the module that exports a task. If that module is the program's entry
// point, its top level runs again inside the worker, builds a pool of its own and submits,
// whose worker imports the module again: processes or threads without end. Python's spawn
// start method refuses the same during bootstrap. Two checks:
//
// - While a worker imports a task's module, the import runs in an AsyncLocalStorage context
//   that follows its top level: a submit() there names the module. The storage is disabled
//   once no import is in flight, because on Node 20 an enabled AsyncLocalStorage slows every
//   promise of the worker.
// - Afterwards, a worker may submit only from a running task or initializer (nested pools
//   are fine): what a module's top level left running, say a main() that was not awaited,
//   is refused too.
import { AsyncLocalStorage } from "node:async_hooks";

interface GuardState {
  importing: AsyncLocalStorage<string>;
  /** Imports of task modules in flight in this worker. */
  inFlight: number;
  /** Task modules this worker imported, for the error message. */
  imported: Set<string>;
  /** Set by the worker loop: this thread or process is a pool's worker. */
  inWorker: boolean;
  /** Set by the worker loop while a task or the initializer runs. */
  inTask: boolean;
}

// Shared through the global object: a task's module may load another copy of this library
// (a TypeScript loader's namespace, a second install) than the worker loop did.
const key = Symbol.for("concurrent-futures.import-guard");
const state: GuardState = ((globalThis as Record<symbol, unknown>)[key] ??= {
  importing: new AsyncLocalStorage<string>(),
  inFlight: 0,
  imported: new Set<string>(),
  inWorker: false,
  inTask: false,
} satisfies GuardState) as GuardState;

/** The worker loop says so once, before any task module is imported. */
export function markPoolWorker(): void {
  state.inWorker = true;
}

/** The worker loop calls it around every task and the initializer: a worker may submit there. */
export function setRunningTask(running: boolean): void {
  state.inTask = running;
}

/** Import a task's module (through `load`) with the guard up; workers call it. */
export async function importingTaskModule<T>(moduleUrl: string, load: () => Promise<T>): Promise<T> {
  state.inFlight++;
  state.imported.add(moduleUrl);
  try {
    return await state.importing.run(moduleUrl, load);
  } finally {
    if (--state.inFlight === 0) state.importing.disable();
  }
}

/** Throw when a worker submits from a task module's top level, or from outside any task. */
export function refuseWhileImportingTask(executorName: string): void {
  if (!state.inWorker) return;
  const moduleUrl = state.importing.getStore();
  if (moduleUrl === undefined && state.inTask) return;
  const where =
    moduleUrl === undefined
      ? `in a worker outside any task (left running by the top level of ${[...state.imported].join(" or ")}?)`
      : `while a worker was importing ${moduleUrl} to load a task`;
  throw new Error(
    `${executorName}: submit() was called ${where}; ` +
      `a task's module runs again in every worker, so a pool started at its top level would start workers without end. ` +
      `Put the tasks in a module of their own and import them from the program, or run the program's top level only ` +
      `in the main program: if (import.meta.url === pathToFileURL(process.argv[1]).href) { ... }`,
  );
}
