// --connection and --queue: where `-x queue` sends its jobs, the same for every command that
// offers that executor. Only commander's types load here; the executor factory is imported
// when a command runs with one of them.
import type { Command } from "commander";
import { DEFAULT_QUEUE } from "./catalogue.ts";

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

/** Tell the executor factory where -x queue goes, before a command creates its executor. */
export async function useQueueFlags(flags: QueueFlags): Promise<void> {
  if (flags.connection === undefined && flags.queue === undefined) return;
  const { setQueueSettings } = await import("./create.ts");
  setQueueSettings(flags);
}
