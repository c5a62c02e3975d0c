// A system error code in plain words, for the errors of saving flags and of preparing their
// folder: "disk full: no space left on the device (ENOSPC)".
import { getSystemErrorMap } from "node:util";

/** Our words for the codes a save or a folder usually meets. */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  ENOENT: "the folder cannot be created there",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file of that name is in the way",
  ENOSPC: "disk full: no space left on the device",
  EDQUOT: "disk full: over the disk quota",
  EISDIR: "a folder is in the way",
};

/** `code` in words, then the code: ours, else the system's own ("too many open files"), else "error". */
export function describeCode(code: string): string {
  return `${REASONS[code] ?? systemWords(code) ?? "error"} (${code})`;
}

/** libuv's description of a system error code; read only on failure, so built only then. */
function systemWords(code: string): string | undefined {
  for (const [name, words] of getSystemErrorMap().values()) if (name === code) return words;
  return undefined;
}
