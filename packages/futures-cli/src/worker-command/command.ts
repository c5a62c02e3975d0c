// The `futures worker` subcommand: run a queue's jobs on this machine. BullMQ is loaded when it
// runs, so other subcommands never load it, and a missing one is said in one line.
import { Option, type Command } from "commander";
import { withShownChoices } from "../common/shown-choices.ts";
import { DEFAULT_CPU_EXECUTOR, LOCAL_CPU_EXECUTORS } from "../executors/catalogue.ts";
import { KEY_VARIABLE } from "../executors/queue-key.ts";
import { TLS_CA_HELP } from "../executors/queue-options.ts";
import { loadQueueModule } from "../executors/queue-module.ts";
import type { WorkerFlags } from "./run-worker.ts";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .summary("run the jobs of a QueueExecutor's queue (BullMQ on Redis) on this machine")
    .description(
      "take jobs from BullMQ queues in Redis and run each job's task on a local executor. " +
        "Start one or more on every machine that should work; producers use QueueExecutor or `-x queue`. " +
        "Ctrl-C once finishes the running jobs and exits; twice hands back the jobs not started.",
    )
    .requiredOption(
      "--queue <NAME...>",
      "the queues to take jobs from; several: --queue a b, --queue a,b or --queue a --queue b",
    )
    .requiredOption(
      "--import <MODULE...>",
      "modules whose exported tasks this worker runs (paths or packages)",
    )
    .option("--connection <URL>", "the Redis to connect to", "redis://127.0.0.1:6379")
    .option("--tls-ca <FILE>", TLS_CA_HELP)
    .option(
      "--key-file <FILE>",
      `secret (16 bytes or more) shared with the producers: only jobs signed with it run (default: $${KEY_VARIABLE})`,
    )
    .option(
      "--concurrency <N>",
      "tasks run at once, all queues together (default: one per CPU; 64 with --executor async)",
    )
    // Checked by runWorker, with a message of its own.
    .addOption(
      withShownChoices(
        new Option("--executor <KIND>", "where tasks run").default(DEFAULT_CPU_EXECUTOR),
        LOCAL_CPU_EXECUTORS,
      ),
    )
    .action(async (flags: WorkerFlags) => {
      await loadQueueModule("futures worker");
      const { runWorker } = await import("./run-worker.ts");
      await runWorker(flags);
    });
}
