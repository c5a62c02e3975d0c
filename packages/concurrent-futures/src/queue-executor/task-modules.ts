// The modules of tasks a QueueWorker is given: how a name becomes a module to import, and
// the directory of the tasks they export, which is all a job can ask for.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { importModule } from "../import-module.ts";
import { TaskDirectory } from "./task-address.ts";

/**
 * How a worker reads a module of tasks it is given: a path becomes a file URL, a package
 * specifier is resolved from the current folder (as a user means it: installed where the
 * worker runs), and a URL stays as it is.
 */
export function resolveTaskModule(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !path.isAbsolute(specifier)) return specifier;
  if (specifier.startsWith(".") || path.isAbsolute(specifier) || existsSync(specifier)) {
    return pathToFileURL(path.resolve(specifier)).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(process.cwd(), "index.js")).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

/** Import every module and gather its exported tasks; at least one task must be found. */
export async function loadTasks(imports: readonly (string | URL)[]): Promise<TaskDirectory> {
  const directory = new TaskDirectory();
  for (const specifier of imports) {
    const url = specifier instanceof URL ? specifier.href : resolveTaskModule(specifier);
    directory.addModule(await importModule(url));
  }
  if (directory.size === 0) {
    throw new TypeError(`no task found in ${imports.join(", ")}: export tasks made with task()`);
  }
  return directory;
}
