// Save one flag atomically: write a temporary file in the destination folder, then rename it
// to its name in one step. Nobody ever sees a partial file, and a failure leaves no
// temporary file. Every step is synchronous: a save is a few microseconds of system calls,
// cheaper than five trips through libuv's thread pool, and no signal handler or other task
// can run between writing the temporary file and renaming it, so an interrupt never finds
// one half done in this thread.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { describeCode } from "./system-error-words.ts";

export function flagFileName(cc: string): string {
  return `${cc.toLowerCase()}.gif`;
}

/**
 * A tag shared by the temporary files of one run, so that the run can remove what a worker
 * ended in the middle of a write left behind (see removeTempFiles). It starts with the pid
 * of the process that runs the download, so that a later run can tell whether its owner is
 * still alive (see sweepStaleTempFiles).
 */
export function newTempTag(): string {
  // Unique enough: the process id, the time, and a random part for runs in the same millisecond.
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function tempFileName(cc: string, tag: string): string {
  return `.${flagFileName(cc)}.${tag}.tmp`;
}

/** Our temporary files and probes, and nothing else: ".br.gif.<pid>-<time>-<random>.tmp". */
export const OUR_TEMP_FILE = /^\.(?:[a-z]{2}\.gif\.)?(\d+)-[0-9a-z]+-[0-9a-z]+(?:\.probe)?\.tmp$/;

export interface SaveOptions {
  /** Write the file even when an identical one is there. */
  overwrite: boolean;
  tempTag: string;
}

export interface SaveOutcome {
  /** An identical regular file was already there and left untouched. */
  kept: boolean;
  /** What stood in the file's place and was replaced ("an empty file", "a symbolic link"). */
  replaced?: string | undefined;
}

/** A save that failed; `code` is the system's (ENOSPC, EISDIR, ...) and the message says it plainly. */
export class SaveError extends Error {
  override name = "SaveError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Save `body` as dest/{cc}.gif. A file already there is kept only when it is a regular file
 * identical to `body`; anything else (an empty or different file, a symbolic link, dangling
 * or not) is replaced atomically, the link itself and never what it points to. A folder in
 * the way is a SaveError. Throws SaveError; never leaves a temporary file.
 */
export function saveFlag(dest: string, cc: string, body: Uint8Array, options: SaveOptions): SaveOutcome {
  const name = flagFileName(cc);
  const target = fileInside(dest, name, "cc");
  const temp = fileInside(dest, tempFileName(cc, options.tempTag), "tempTag");
  let replaced: string | undefined;
  try {
    // No error object for the usual case of a file not there yet.
    const found = options.overwrite ? undefined : lstatSync(target, { throwIfNoEntry: false });
    if (found) {
      if (found.isFile() && found.size === body.length && sameContent(target, body)) return { kept: true };
      if (found.isDirectory()) throw new SaveError(`'${name}' is a folder in the way`, "EISDIR");
      replaced = describeEntry(found);
    }
    writeNew(temp, body);
    try {
      renameSync(temp, target);
    } catch (error) {
      removeQuietly(temp);
      throw error;
    }
  } catch (error) {
    if (error instanceof SaveError) throw error;
    const { code } = error as NodeJS.ErrnoException;
    if (code === "EISDIR") throw new SaveError(`'${name}' is a folder in the way`, code);
    throw new SaveError(code ? describeCode(code) : (error as Error).message, code);
  }
  return { kept: false, replaced };
}

/**
 * The path of `name` directly inside the folder `dest`, resolved; a RangeError naming `what`
 * when the name would leave it (a code such as "/../../x" once wrote two folders above).
 */
export function fileInside(dest: string, name: string, what: string): string {
  const folder = resolve(dest);
  const path = resolve(folder, name);
  if (dirname(path) !== folder || name.includes("/") || name.includes("\\")) {
    throw new RangeError(`${what} would write outside the destination folder '${dest}'`);
  }
  return path;
}

/** Create `path` (never an existing one), write all of `body`, close; nothing is left on failure. */
function writeNew(path: string, body: Uint8Array): void {
  const fd = openSync(path, "wx");
  try {
    for (let offset = 0; offset < body.length;) offset += writeSync(fd, body, offset);
  } catch (error) {
    closeSync(fd);
    removeQuietly(path);
    throw error;
  }
  try {
    closeSync(fd);
  } catch (error) {
    // A delayed write error (a full disk on some file systems) shows here.
    removeQuietly(path);
    throw error;
  }
}

/** Remove a file; one already gone, or that cannot be removed now, is left to the next run's sweep. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone; the sweep of the next run removes what could not be removed now.
  }
}

/** A regular file at `path` holds exactly `body`; a link is never followed. */
function sameContent(path: string, body: Uint8Array): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return false; // replaced by a link or removed since lstat: not the same file
  }
  try {
    if (!fstatSync(fd).isFile()) return false;
    const content = Buffer.allocUnsafe(body.length + 1);
    let length = 0;
    for (
      let n;
      length < content.length && (n = readSync(fd, content, length, content.length - length, null)) > 0;
    )
      length += n;
    return length === body.length && content.subarray(0, length).equals(body);
  } finally {
    closeSync(fd);
  }
}

function describeEntry(entry: Stats): string {
  if (entry.isSymbolicLink()) return "a symbolic link";
  if (!entry.isFile()) return "a special file";
  return entry.size === 0 ? "an empty file" : `a different file of ${entry.size} bytes`;
}
