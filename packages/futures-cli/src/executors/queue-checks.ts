// The checks of --queue and --connection, shared by `futures worker` and every command with
// `-x queue`: a bad value is a usage error found before anything starts, not a failure after
// a flag server or a pool has.
import { UsageError } from "../common/usage.ts";
import { loadQueueModule } from "./queue-module.ts";

/** A queue name BullMQ accepts: it puts ':' between the parts of its keys. */
export function checkQueueName(queue: string): void {
  if (queue === "" || queue.includes(":")) {
    throw new UsageError(`--queue must be a name without ':', got '${queue}'`);
  }
}

/**
 * A Redis URL as QueueExecutor and QueueWorker read it (redis:// or rediss://, a port they can
 * connect to, a database number); returns how messages show it (host:port).
 */
export async function checkConnection(connection: string): Promise<string> {
  const { describeConnection, redisOptions, withoutPassword } = await loadQueueModule("--connection");
  try {
    return describeConnection(redisOptions(connection));
  } catch {
    throw new UsageError(
      `--connection must be a redis:// or rediss:// URL with a port from 1 to 65535, got '${withoutPassword(connection)}'`,
    );
  }
}
