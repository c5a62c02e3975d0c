// `futures status`: queueStatus read once and printed, as a report or as JSON. The exit status
// tells scripts what they need: 0 healthy, 1 something needs attention, 3 Redis could not be
// read (unreachable, refusing us, too slow); 2 is a usage error, as everywhere.
import { queueStatus } from "concurrent-futures/queue";
import { parseTimerSeconds } from "../common/usage.ts";
import { checkConnection, checkQueueName } from "../executors/queue-checks.ts";
import { statusReport } from "./status-report.ts";

/** The options of `futures status`, as commander hands them over. */
export interface StatusFlags {
  queue: string;
  connection: string;
  tlsCa?: string;
  timeout: string;
  json?: boolean;
}

export const EXIT_FINDINGS = 1;
export const EXIT_UNREADABLE = 3;

export async function runStatus(flags: StatusFlags): Promise<void> {
  checkQueueName(flags.queue);
  // Checked here: the library's RangeError would not be a usage error.
  const timeout = parseTimerSeconds(flags.timeout, "--timeout");
  const { connection } = await checkConnection(flags.connection, flags.tlsCa);
  let status;
  try {
    status = await queueStatus({ queue: flags.queue, connection, timeout });
  } catch (error) {
    // The library's messages name Redis as host:port, never with a password.
    console.error(`futures status: cannot read queue '${flags.queue}': ${(error as Error).message}`);
    process.exitCode = EXIT_UNREADABLE;
    return;
  }
  console.log(flags.json ? JSON.stringify(status, null, 2) : statusReport(status).join("\n"));
  if (status.findings.length > 0) process.exitCode = EXIT_FINDINGS;
}
