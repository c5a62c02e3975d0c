// Reading the file an option names (--key-file, --tls-ca): one usage error, in one line, for
// a name that is empty, missing, a folder or unreadable.
import { readFileSync } from "node:fs";
import { UsageError } from "../common/usage.ts";

/** The bytes of `file`, named by `option` ("--key-file") in the error. */
export function readOptionFile(option: string, file: string): Buffer {
  if (file === "") throw new UsageError(`${option} must name a file, got ''`);
  try {
    return readFileSync(file);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
    throw new UsageError(`${option} '${file}' cannot be read: ${why}`);
  }
}
