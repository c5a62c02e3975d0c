// The destination folder of a run: created when missing and proved writable before anything
// is downloaded, swept of the temporary files that killed runs left behind, and cleaned of a
// run's own temporary files when it is interrupted or a pool worker is ended mid-save. Saving
// one flag into it is save-flag.ts.
//
// Its file system calls are synchronous: a handful at the start and end of a run, each a few
// microseconds, where a thread-pool round trip each cost more, and `node:fs/promises` is not
// loaded (about 3 ms of a 20-flag download's start).
import { lstatSync, readdirSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { makeFolders } from "../common/make-folders.ts";
import { newTempTag, OUR_TEMP_FILE, removeQuietly } from "./save-flag.ts";
import { describeCode } from "./system-error-words.ts";

/** Names of the flags already in `dest`. */
export async function existingFlags(dest: string): Promise<Set<string>> {
  return new Set(readNames(dest));
}

/**
 * Create `dest` when missing, prove it is writable by writing and removing a file, and sweep
 * the temporary files that killed runs left there; the error names the folder and the reason
 * in one line.
 */
export async function prepareDestination(dest: string): Promise<void> {
  const probe = join(dest, `.${newTempTag()}.probe.tmp`);
  try {
    makeFolders(dest);
    writeFileSync(probe, "", { flag: "wx" });
    unlinkSync(probe);
    await sweepStaleTempFiles(dest);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new DestinationError(`cannot write flags to '${dest}': ${code ? describeCode(code) : message}`);
  }
}

/** A temporary file this old is abandoned whoever made it: a save holds one for microseconds. */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Remove the temporary files of runs that are gone: a run killed with SIGKILL (or a power
 * cut) cannot clean up. Only files (and links) of our own naming whose process is dead, or
 * that are older than any save could take; never another file, never a live run's. Returns
 * how many it removed.
 */
export async function sweepStaleTempFiles(dest: string, now = Date.now()): Promise<number> {
  let swept = 0;
  for (const name of readdirSync(dest)) {
    const owner = OUR_TEMP_FILE.exec(name)?.[1];
    if (owner === undefined) continue;
    const path = join(dest, name);
    const entry = fileOrLink(path);
    if (!entry) continue;
    if (isAlive(Number(owner)) && now - entry.mtimeMs <= STALE_AFTER_MS) continue;
    removeQuietly(path);
    swept++;
  }
  return swept;
}

/**
 * The entry at `path` when it is a file or a symbolic link (its own, never its target's):
 * the only kinds a save leaves. A folder or a special file named like one is the user's, and
 * left alone: a folder of that name once failed every run ("error (ERR_FS_EISDIR)").
 */
function fileOrLink(path: string): Stats | undefined {
  try {
    const entry = lstatSync(path);
    return entry.isFile() || entry.isSymbolicLink() ? entry : undefined;
  } catch {
    return undefined; // gone since the folder was read
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

export class DestinationError extends Error {
  override name = "DestinationError";
}

/** Remove the temporary files of the run tagged `tempTag` (left by a worker that was ended). */
export async function removeTempFiles(dest: string, tempTag: string): Promise<number> {
  const suffix = `.${tempTag}.tmp`;
  const paths = readNames(dest)
    .filter((name) => name.startsWith(".") && name.endsWith(suffix))
    .map((name) => join(dest, name))
    .filter((path) => fileOrLink(path));
  for (const path of paths) removeQuietly(path);
  return paths.length;
}

/** The names in a folder; none when it cannot be read (a folder removed during the run has none). */
function readNames(dest: string): string[] {
  try {
    return readdirSync(dest);
  } catch {
    return [];
  }
}

/**
 * Remove, synchronously, every temporary file of this process in `dest`: for a second
 * Ctrl-C, which leaves no time for anything asynchronous.
 */
export function removeOwnTempFilesSync(dest: string): void {
  let names: string[];
  try {
    names = readdirSync(dest);
  } catch {
    return;
  }
  for (const name of names) {
    if (OUR_TEMP_FILE.exec(name)?.[1] === String(process.pid)) removeQuietly(join(dest, name));
  }
}
