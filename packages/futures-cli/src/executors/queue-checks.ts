// The checks of --queue and --connection, shared by `futures worker` and every command with
// `-x queue`: a bad value is a usage error found before anything starts, not a failure after
// a flag server or a pool has.
import { UsageError } from "../cli/usage.ts";

/** A queue name BullMQ accepts: it puts ':' between the parts of its keys. */
export function checkQueueName(queue: string): void {
  if (queue === "" || queue.includes(":")) {
    throw new UsageError(`--queue must be a name without ':', got '${queue}'`);
  }
}

/**
 * A redis:// or rediss:// URL with a port ioredis can connect to; returns how messages show
 * it (host:port). Port 0 parses as a URL but names no server.
 */
export function checkConnection(connection: string): string {
  const bad = (): UsageError =>
    new UsageError(
      `--connection must be a redis:// or rediss:// URL with a port from 1 to 65535, got '${connection}'`,
    );
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw bad();
  }
  if ((url.protocol !== "redis:" && url.protocol !== "rediss:") || url.port === "0") throw bad();
  return `${url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1"}:${url.port || 6379}`;
}
