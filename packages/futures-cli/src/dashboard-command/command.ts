// The `futures dashboard` subcommand: a live page of a queue's workers on every host. BullMQ
// is loaded when it runs, as for `futures worker` and `futures status`.
import type { Command } from "commander";
import { addQueueLookOptions } from "../executors/queue-options.ts";
import { loadQueueModule } from "../executors/queue-module.ts";
import type { QueueDashboardFlags } from "./run-queue-dashboard.ts";

export function registerDashboardCommand(program: Command): void {
  const command = program
    .command("dashboard")
    .summary("serve a live page of a queue's workers on every host")
    .description(
      "serve a page on 127.0.0.1 that shows, live, each worker of a queue on every host (its " +
        "share of slots busy, second by second, from the heartbeats workers write in Redis), the " +
        "job counts, jobs per second and what needs attention. Serves until Ctrl-C or SIGTERM.",
    );
  addQueueLookOptions(command, "show")
    .option("--port <N>", "the port of the page on 127.0.0.1 (0: a free one, printed)", "0")
    .action(async (flags: QueueDashboardFlags) => {
      await loadQueueModule("futures dashboard");
      const { runQueueDashboard } = await import("./run-queue-dashboard.ts");
      await runQueueDashboard(flags);
    });
}
