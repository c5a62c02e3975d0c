// Reading the file an option names (--key-file, --tls-ca): one usage error, in one line, for
// a name that is empty, missing, a folder or unreadable.
import { readFileSync } from "node:fs";
import { UsageError } from "../common/usage.ts";

/** The usual reasons in plain words; any other keeps its system code. */
const WHY: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a folder",
  EACCES: "permission denied (EACCES)",
  EPERM: "operation not permitted (EPERM)",
  ENOTDIR: "a part of the path is a file, not a folder",
};

/** The bytes of `file`, named by `option` ("--key-file") in the error. */
export function readOptionFile(option: string, file: string): Buffer {
  if (file === "") throw new UsageError(`${option} must name a file, got ''`);
  try {
    return readFileSync(file);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new UsageError(
      `${option} '${file}' cannot be read: ${(code && WHY[code]) ?? code ?? "unreadable"}`,
    );
  }
}
