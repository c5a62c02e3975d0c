// The pool's names for tasks: each task (module URL + export name) gets a small numeric key
// the first time it is submitted, and keeps the mean time of its calls, as the workers
// measure them, for sizing batches (batch-policy.ts).
import { updateMeanMs } from "./batch-policy.ts";
import type { TaskRef } from "./task.ts";

export class TaskRegistry {
  readonly #keys = new Map<string, number>();
  readonly #refs: TaskRef[] = [];
  /** Mean milliseconds per call of each task, by key; undefined until measured. */
  readonly #callMs: number[] = [];

  /** The task's key, given on its first submit. */
  keyOf(ref: TaskRef): number {
    const name = `${ref.moduleUrl}#${ref.exportName}`;
    let key = this.#keys.get(name);
    if (key === undefined) {
      key = this.#refs.push(ref) - 1;
      this.#keys.set(name, key);
    }
    return key;
  }

  /** What a worker imports to learn the task behind `key`. */
  refOf(key: number): TaskRef {
    return this.#refs[key]!;
  }

  /** Mean milliseconds per call of the task, or undefined if no call has been measured. */
  meanMs(key: number): number | undefined {
    return this.#callMs[key];
  }

  /** A worker ran calls of the task in `perCallMs` each. */
  measured(key: number, perCallMs: number): void {
    this.#callMs[key] = updateMeanMs(this.#callMs[key], perCallMs);
  }
}
