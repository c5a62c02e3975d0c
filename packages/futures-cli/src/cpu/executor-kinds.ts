// Names of the executors the CPU-bound commands accept; kept apart so the command line can
// list them without loading the library.

/** `async` runs everything on the event loop: the analog of Python threads under the GIL. */
export const EXECUTOR_KINDS = ["processes", "threads", "async"] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

/** How status lines name the workers of each kind. */
export function workerNoun(kind: ExecutorKind): string {
  return kind === "async" ? "async workers" : kind;
}
