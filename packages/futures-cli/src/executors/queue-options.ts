// --connection, --tls-ca, --queue and --key-file: where `-x queue` sends its jobs and the key it signs
// them with, the same for every command that offers that executor. Only commander's types
// load here; the executor factory is imported when a command runs with one of them.
import type { Command } from "commander";
import { DEFAULT_QUEUE, type QueueUse } from "./catalogue.ts";
import { checkConnection, checkQueueName } from "./queue-checks.ts";
import { KEY_VARIABLE, readQueueKey } from "./queue-key.ts";
import { loadQueueModule } from "./queue-module.ts";

export interface QueueFlags {
  connection?: string | undefined;
  queue?: string | undefined;
  keyFile?: string | undefined;
  tlsCa?: string | undefined;
  executor?: string | undefined;
}

/** How --connection's forms and --tls-ca are described, the same for every command. */
export const TLS_CA_HELP = "the CA certificate (PEM) that a TLS Redis's certificate is checked against";

/** --queue, --connection and --tls-ca of the commands that look at a queue (status, dashboard). */
export function addQueueLookOptions(command: Command, what: string): Command {
  return command
    .requiredOption("--queue <NAME>", `the queue to ${what}, as given to futures worker`)
    .option("--connection <URL>", "the Redis to connect to", DEFAULT_QUEUE.connection)
    .option("--tls-ca <FILE>", TLS_CA_HELP);
}

export function addQueueOptions(command: Command): Command {
  return command
    .option("--connection <URL>", `the Redis of -x queue (default: ${DEFAULT_QUEUE.connection})`)
    .option("--tls-ca <FILE>", TLS_CA_HELP)
    .option(
      "--queue <NAME>",
      `the queue of -x queue, as given to futures worker (default: ${DEFAULT_QUEUE.queue})`,
    )
    .option(
      "--key-file <FILE>",
      `secret (16 bytes or more) -x queue signs its jobs with, shared with the workers (default: $${KEY_VARIABLE})`,
    );
}

/**
 * Check where -x queue goes and with which key, and tell the executor factory, before a
 * command starts anything; a bad value is a usage error. The environment's key is read only
 * for -x queue.
 */
export async function useQueueFlags(flags: QueueFlags, use: QueueUse): Promise<void> {
  const onQueue = flags.executor?.trim().toLowerCase() === "queue";
  const given = [flags.connection, flags.queue, flags.keyFile, flags.tlsCa].some(
    (flag) => flag !== undefined,
  );
  if (!onQueue && !given) return;
  await loadQueueModule(onQueue ? "-x queue" : "--connection, --tls-ca, --queue and --key-file");
  if (flags.queue !== undefined) checkQueueName(flags.queue);
  const { connection } = await checkConnection(flags.connection ?? DEFAULT_QUEUE.connection, flags.tlsCa);
  const key = flags.keyFile !== undefined || onQueue ? readQueueKey(flags.keyFile) : undefined;
  const { setQueueSettings } = await import("./create.ts");
  setQueueSettings({ connection, queue: flags.queue, key, use });
}
