// --connection and --queue: where `-x queue` sends its jobs, the same for every command that
// offers that executor. Only commander's types load here; the executor factory is imported
// when a command runs with one of them.
import type { Command } from "commander";
import { DEFAULT_QUEUE } from "./catalogue.ts";
import { checkConnection, checkQueueName } from "./queue-checks.ts";

export interface QueueFlags {
  connection?: string | undefined;
  queue?: string | undefined;
}

export function addQueueOptions(command: Command): Command {
  return command
    .option("--connection <URL>", `Redis of -x queue (default ${DEFAULT_QUEUE.connection})`)
    .option(
      "--queue <NAME>",
      `queue of -x queue, as given to futures worker (default ${DEFAULT_QUEUE.queue})`,
    );
}

/**
 * Check where -x queue goes and tell the executor factory, before a command starts anything;
 * a bad value is a usage error.
 */
export async function useQueueFlags(flags: QueueFlags): Promise<void> {
  if (flags.connection === undefined && flags.queue === undefined) return;
  if (flags.queue !== undefined) checkQueueName(flags.queue);
  if (flags.connection !== undefined) await checkConnection(flags.connection);
  const { setQueueSettings } = await import("./create.ts");
  setQueueSettings(flags);
}
