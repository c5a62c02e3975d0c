// The demos' display(): the message preceded by a local [HH:MM:SS] timestamp, as strftime prints it.
//
// Lines are written straight to file descriptor 1, from whichever thread calls. A worker
// thread's console.log is relayed through the main thread and waits while the worker is busy,
// which would print lines late and out of order; a direct write lands when it happens.
import { writeSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

export function timestamp(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `[${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}]`;
}

export function display(message: string): void {
  writeFully(1, Buffer.from(`${timestamp()} ${message}\n`));
}

const RETRY_MS = 1;
const MAX_RETRIES = 5000;

/** writeSync until every byte is out; a full non-blocking pipe (EAGAIN) is retried, boundedly. */
function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  let retries = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      // The reader has gone (`futures demo map | head`): the main thread ends quietly, as on
      // its other output; a worker drops the line and lets its task finish.
      if (code === "EPIPE") {
        if (isMainThread) process.exit(process.exitCode ?? 0);
        return;
      }
      if (code !== "EAGAIN" || ++retries > MAX_RETRIES) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }
}
