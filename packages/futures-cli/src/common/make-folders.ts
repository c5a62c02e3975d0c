// mkdir -p, one level at a time: Node's recursive mkdir never returns on a path whose parent
// exists but refuses children (/proc/x): it retries for ever, and the command never exits.
// Shared by the flags' destination and the code cache's folder (XDG_CACHE_HOME).
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** Make `folder` and the folders above it that are missing, each with `mode`. */
export function makeFolders(folder: string, mode = 0o777): void {
  try {
    mkdirSync(folder, { mode });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === "EEXIST" && statSync(folder).isDirectory()) return;
    const parent = dirname(folder);
    if (code !== "ENOENT" || parent === folder || isDirectory(parent)) throw error;
    makeFolders(parent, mode);
    mkdirSync(folder, { mode });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
