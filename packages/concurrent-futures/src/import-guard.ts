// In a pool's worker, submit work to a pool only from a running task.
//
// A worker imports the module that exports a task. If that module is the program's entry
// point, its top level runs again inside the worker, builds a pool of its own and submits,
// whose worker imports the module again: processes or threads without end. Python's spawn
// start method refuses the same during bootstrap. Here the worker loop imports task modules
// only between calls and says when a task (or the initializer) runs; a submit() made at any
// other time in a worker comes from a module's top level, or from what it left running (a
// main() that was not awaited), and is refused with the fix. A task may still run a pool of
// its own. (An AsyncLocalStorage would follow the import's own code exactly, but on Node 20
// it slows every promise of the worker by about a quarter, even once disabled.)

interface GuardState {
  /** Set by the worker loop: this thread or process is a pool's worker. */
  inWorker: boolean;
  /** The task module being imported now, if any. */
  importing: string | undefined;
  /** Task modules this worker imported, for the error message. */
  imported: Set<string>;
  /** Set by the worker loop while a task or the initializer runs. */
  inTask: boolean;
}

// Shared through the global object: a task's module may load another copy of this library
// (a TypeScript loader's namespace, a second install) than the worker loop did.
const key = Symbol.for("concurrent-futures.import-guard");
const state: GuardState = ((globalThis as Record<symbol, unknown>)[key] ??= {
  inWorker: false,
  importing: undefined,
  imported: new Set<string>(),
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

/** Import a task's module through `load`; the worker loop calls it between tasks. */
export async function importingTaskModule<T>(moduleUrl: string, load: () => Promise<T>): Promise<T> {
  state.importing = moduleUrl;
  state.imported.add(moduleUrl);
  try {
    return await load();
  } finally {
    state.importing = undefined;
  }
}

/** Throw when a worker submits from anywhere but a running task. */
export function refuseWhileImportingTask(executorName: string): void {
  if (!state.inWorker || state.inTask) return;
  const where =
    state.importing === undefined
      ? `in a worker outside any task (left running by the top level of ${[...state.imported].join(" or ")}?)`
      : `while a worker was importing ${state.importing} to load a task`;
  throw new Error(
    `${executorName}: submit() was called ${where}; ` +
      `a task's module runs again in every worker, so a pool started at its top level would start workers without end. ` +
      `Put the tasks in a module of their own and import them from the program, or run the program's top level only ` +
      `in the main program: if (import.meta.url === pathToFileURL(process.argv[1]).href) { ... }`,
  );
}
