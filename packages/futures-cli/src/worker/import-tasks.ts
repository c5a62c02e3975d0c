// The worker's task modules, imported here one by one before the QueueWorker starts, so that
// a module that fails to load is named in the error. The QueueWorker is then given the same
// modules, which Node's module cache answers at once.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UsageError } from "../cli/usage.ts";
import { APP_TASKS } from "./app-tasks.ts";

/** The modules of --import: application names expanded, paths and packages resolved from here. */
export function resolveImports(imports: readonly string[]): (URL | string)[] {
  return imports.flatMap((name) => [...(APP_TASKS[name] ?? [resolveImport(name)])]);
}

function resolveImport(name: string): URL | string {
  if (name.trim() === "") throw new UsageError("--import must name a module (a path or a package), got ''");
  if (/^[a-z][a-z0-9+.-]*:/i.test(name) && !path.isAbsolute(name)) {
    try {
      return new URL(name);
    } catch {
      throw new UsageError(`--import: not a valid URL: '${name}'`);
    }
  }
  if (name.startsWith(".") || path.isAbsolute(name) || existsSync(name)) {
    return pathToFileURL(path.resolve(name));
  }
  try {
    // A package as the user means it: installed where the worker runs, not beside futures.
    return pathToFileURL(createRequire(path.join(process.cwd(), "index.js")).resolve(name));
  } catch {
    // Not resolvable by require (an ESM-only package, say): Node's import resolves the name.
    return name;
  }
}

/** How a module is named in messages: its path when it is a file. */
function moduleName(module: URL | string): string {
  return typeof module === "string"
    ? module
    : module.protocol === "file:"
      ? fileURLToPath(module)
      : module.href;
}

/**
 * Import every module, naming the one that fails. Node exits with status 13, silently, when
 * the event loop empties under a top-level await that never settles: that case gets its line
 * as the process exits.
 */
export async function importTasks(
  modules: readonly (URL | string)[],
  say: (line: string) => void,
): Promise<void> {
  let importing: URL | string | undefined;
  // Node 20 passes 0 to "exit" listeners then, and sets process.exitCode to 13.
  const onExit = (code: number): void => {
    if (importing && (code === 13 || process.exitCode === 13)) {
      say(
        `cannot start: importing ${moduleName(importing)} never finished (a top-level await that never settles?)`,
      );
    }
  };
  process.on("exit", onExit);
  try {
    for (const module of modules) {
      importing = module;
      try {
        await import(typeof module === "string" ? module : module.href);
      } catch (error) {
        // TypeScript without a loader: the QueueWorker imports it through tsx, if installed.
        if ((error as NodeJS.ErrnoException).code === "ERR_UNKNOWN_FILE_EXTENSION") continue;
        // One line, even from a loader whose syntax errors take several.
        const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
        throw new UsageError(`cannot start: cannot import ${moduleName(module)}: ${message}`);
      }
    }
  } finally {
    importing = undefined;
    process.off("exit", onExit);
  }
}
