// A file the user named for a command's output (a report, a trace): checked before the work
// starts, so that a bad path fails at once and not after minutes of measuring, and written
// through a temporary file and a rename, so that a failure never leaves half a file.
import { randomBytes } from "node:crypto";
import { access, constants, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The absolute path of `file`, once its folder exists and is writable and it is not a folder;
 * else an Error of one sentence. `what` names the output ("the report"), `option` the flag.
 */
export async function checkOutputPath(file: string, what: string, option: string): Promise<string> {
  const absolute = path.resolve(file);
  const folder = path.dirname(absolute);
  const fail = (why: string): never => {
    throw new Error(`cannot write ${what} to ${absolute}: ${why}`);
  };
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) fail(`the folder ${folder} does not exist (create it, or choose another ${option} path)`);
  if (!folderStat!.isDirectory()) fail(`${folder} is not a folder`);
  if ((await stat(absolute).catch(() => undefined))?.isDirectory()) fail("that is a folder, not a file");
  await access(folder, constants.W_OK).catch(() => fail(`the folder ${folder} is not writable`));
  return absolute;
}

/** Write `text` to `file` through a temporary file beside it and a rename. */
export async function writeAtomically(file: string, text: string, what: string): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write ${what} to ${file}: ${(error as Error).message}`);
  }
}
