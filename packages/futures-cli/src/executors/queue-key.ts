// The shared secret of -x queue and `futures worker`: read from --key-file, or from the
// environment variable FUTURES_QUEUE_KEY when no file is given. A producer with a key signs
// every job; a worker with one runs only the jobs signed with it. A key that cannot be read,
// is empty or too short is a usage error, and no message ever shows the key itself.
import { UsageError } from "../common/usage.ts";
import { readOptionFile } from "./option-file.ts";

/** The environment variable read when no --key-file is given. */
export const KEY_VARIABLE = "FUTURES_QUEUE_KEY";

/** The shortest key the library accepts, in bytes. */
export const MIN_KEY_BYTES = 16;

/** The key of --key-file (its content, without one trailing newline), else of the environment. */
export function readQueueKey(
  keyFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Buffer | undefined {
  if (keyFile !== undefined) return checked(fromFile(keyFile), `--key-file '${keyFile}'`);
  const text = env[KEY_VARIABLE];
  if (text === undefined) return undefined;
  return checked(withoutNewline(Buffer.from(text, "utf8")), KEY_VARIABLE);
}

function fromFile(file: string): Buffer {
  return withoutNewline(readOptionFile("--key-file", file));
}

/** One trailing newline (LF or CRLF) is the editor's, not the key's. */
function withoutNewline(bytes: Buffer): Buffer {
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) end--;
  if (bytes[end - 1] === 0x0d && end < bytes.length) end--;
  return bytes.subarray(0, end);
}

function checked(key: Buffer, where: string): Buffer {
  if (key.length === 0) throw new UsageError(`${where} holds an empty key`);
  if (key.length < MIN_KEY_BYTES) {
    throw new UsageError(
      `${where} holds a key of ${key.length} bytes; a key needs at least ${MIN_KEY_BYTES} (such as: openssl rand -hex 32)`,
    );
  }
  return key;
}
