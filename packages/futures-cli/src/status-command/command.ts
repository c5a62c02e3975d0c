// The `futures status` subcommand: one look at a queue of `futures worker`s. BullMQ is loaded
// when it runs, as for `futures worker`.
import type { Command } from "commander";
import { addQueueLookOptions } from "../executors/queue-options.ts";
import { loadQueueModule } from "../executors/queue-module.ts";
import type { StatusFlags } from "./run-status.ts";

export function registerStatusCommand(program: Command): void {
  const command = program
    .command("status")
    .summary("show a queue's workers, jobs and what needs attention")
    .description(
      "show a queue's live and silent workers, its job counts, jobs per second over the last " +
        "minute, and one line per finding that needs attention (no live worker, a silent " +
        "worker, Redis near maxmemory). Exit status: 0 healthy, 1 a finding, 2 a usage error, " +
        "3 Redis could not be read.",
    );
  addQueueLookOptions(command, "look at")
    .option("--timeout <SECONDS>", "how long to try to read Redis", "5")
    .option("--json", "print the status as JSON, for scripts")
    .action(async (flags: StatusFlags) => {
      await loadQueueModule("futures status");
      const { runStatus } = await import("./run-status.ts");
      await runStatus(flags);
    });
}
