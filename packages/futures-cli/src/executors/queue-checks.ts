// The checks of --queue, --connection and --tls-ca, shared by `futures worker` and every
// command with `-x queue`: a bad value is a usage error found before anything starts, not a
// failure after a flag server or a pool has.
import type { Connection } from "concurrent-futures/queue";
import { UsageError } from "../common/usage.ts";
import { readOptionFile } from "./option-file.ts";
import { loadQueueModule } from "./queue-module.ts";

/** A queue name BullMQ accepts: it puts ':' between the parts of its keys. */
export function checkQueueName(queue: string): void {
  if (queue === "" || queue.includes(":")) {
    throw new UsageError(`--queue must be a name without ':', got '${queue}'`);
  }
}

/** Where the queue is, as the library takes it, and how messages show it (never a password). */
export interface CheckedConnection {
  connection: Connection;
  where: string;
}

/**
 * A Redis URL as QueueExecutor and QueueWorker read it (redis://, rediss://, redis+sentinel://,
 * redis+cluster://), with the certificate authority of --tls-ca for a TLS one.
 */
export async function checkConnection(url: string, tlsCa?: string): Promise<CheckedConnection> {
  const { connectionOptions, describeConnection, withCertificateAuthority } =
    await loadQueueModule("--connection");
  let connection: Connection;
  try {
    connection = connectionOptions(url);
  } catch (error) {
    // The library's message shows the URL without its password.
    throw new UsageError(`--connection: ${(error as Error).message}`);
  }
  if (tlsCa !== undefined) {
    const ca = readAuthority(tlsCa);
    try {
      connection = withCertificateAuthority(connection, ca);
    } catch {
      throw new UsageError("--tls-ca needs a TLS URL (rediss://, rediss+sentinel://, rediss+cluster://)");
    }
  }
  return { connection, where: describeConnection(connection) };
}

function readAuthority(file: string): Buffer {
  const pem = readOptionFile("--tls-ca", file);
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new UsageError(`--tls-ca '${file}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return pem;
}
