// The worker's task modules, imported here one by one before the QueueWorker starts, so that
// a module that fails to load is named in the error. The QueueWorker is then given the same
// modules, which Node's module cache answers at once.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTaskModule } from "concurrent-futures/queue";
import { UsageError } from "../common/usage.ts";
import { APP_TASKS } from "./app-tasks.ts";

/** The modules of --import: application names expanded, the rest read as the QueueWorker reads them. */
export function resolveImports(imports: readonly string[]): (URL | string)[] {
  return imports.flatMap((name) => [...(APP_TASKS[name] ?? [resolveImport(name)])]);
}

function resolveImport(name: string): string {
  if (name.trim() === "") throw new UsageError("--import must name a module (a path or a package), got ''");
  if (/^[a-z][a-z0-9+.-]*:/i.test(name) && !path.isAbsolute(name) && !URL.canParse(name)) {
    throw new UsageError(`--import: not a valid URL: '${name}'`);
  }
  return resolveTaskModule(name);
}

/** How a module is named in messages: its path when it is a file. */
function moduleName(module: URL | string): string {
  const href = typeof module === "string" ? module : module.href;
  return href.startsWith("file:") ? fileURLToPath(href) : href;
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
