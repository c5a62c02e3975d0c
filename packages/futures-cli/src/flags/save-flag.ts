// Save a flag atomically: write a temporary file in the destination folder, then give it its
// name in one step. Nobody ever sees a partial file, and a failure leaves no temporary file.
import { link, mkdir, readdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export function flagFileName(cc: string): string {
  return `${cc.toLowerCase()}.gif`;
}

/**
 * A tag shared by the temporary files of one run, so that the run can remove what a worker
 * ended in the middle of a write left behind (see removeTempFiles).
 */
export function newTempTag(): string {
  // Unique enough: the process id, the time, and a random part for runs in the same millisecond.
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function tempFileName(cc: string, tag: string): string {
  return `.${flagFileName(cc)}.${tag}.tmp`;
}

export interface SaveOptions {
  /** Replace an existing file; otherwise an existing file is left untouched. */
  overwrite: boolean;
  tempTag: string;
  signal?: AbortSignal | undefined;
}

/** Save `body` as dest/{cc}.gif; "existing" when a file was already there and kept. */
export async function saveFlag(
  dest: string,
  cc: string,
  body: Uint8Array,
  { overwrite, tempTag, signal }: SaveOptions,
): Promise<"saved" | "existing"> {
  const temp = join(dest, tempFileName(cc, tempTag));
  const target = join(dest, flagFileName(cc));
  let renamed = false;
  try {
    await writeFile(temp, body, { flag: "wx", signal });
    signal?.throwIfAborted();
    if (overwrite) {
      await rename(temp, target);
      renamed = true;
      return "saved";
    }
    return await publishIfAbsent(temp, target);
  } finally {
    if (!renamed) await unlink(temp).catch(ignoreMissing);
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}

/** link() fails when the name is taken, so an existing file is never replaced, not even by a race. */
async function publishIfAbsent(temp: string, target: string): Promise<"saved" | "existing"> {
  try {
    await link(temp, target);
    return "saved";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return "existing";
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw error;
  }
  // A file system without hard links: check, then rename (a race here can replace a file).
  if ((await readdir(dirname(target))).includes(basename(target))) return "existing";
  await rename(temp, target);
  return "saved";
}

/** Names of the flags already in `dest`. */
export async function existingFlags(dest: string): Promise<Set<string>> {
  return new Set(await readdir(dest).catch(() => [] as string[]));
}

/**
 * Create `dest` when missing and prove it is writable by writing and removing a file; the
 * error names the folder and the reason in one line.
 */
export async function prepareDestination(dest: string): Promise<void> {
  const probe = join(dest, `.${newTempTag()}.probe.tmp`);
  try {
    await makeFolders(dest);
    await writeFile(probe, "", { flag: "wx" });
    await unlink(probe);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new DestinationError(`cannot write flags to '${dest}': ${code ? describeCode(code) : message}`);
  }
}

/**
 * mkdir -p, one level at a time. Node's `mkdir(..., { recursive: true })` never returns on a
 * path whose parent exists but refuses children (such as /proc/x): it retries for ever.
 */
async function makeFolders(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === "EEXIST" && (await stat(folder)).isDirectory()) return;
    const parent = dirname(folder);
    if (code !== "ENOENT" || parent === folder || (await isDirectory(parent))) throw error;
    await makeFolders(parent);
    await mkdir(folder);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export class DestinationError extends Error {
  override name = "DestinationError";
}

function describeCode(code: string): string {
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    ENOENT: "the folder cannot be created there",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOTDIR: "a part of the path is a file, not a folder",
    EEXIST: "a file of that name is in the way",
    ENOSPC: "no space left on the device",
  };
  return `${reasons[code] ?? "error"} (${code})`;
}

/** Remove the temporary files of the run tagged `tempTag` (left by a worker that was ended). */
export async function removeTempFiles(dest: string, tempTag: string): Promise<number> {
  const suffix = `.${tempTag}.tmp`;
  // A folder removed during the run has no temporary files left to remove.
  const entries = await readdir(dest).catch(() => [] as string[]);
  const names = entries.filter((name) => name.startsWith(".") && name.endsWith(suffix));
  await Promise.all(names.map((name) => rm(join(dest, name), { force: true })));
  return names.length;
}
