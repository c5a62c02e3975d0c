// The `futures` command: one subcommand per part of the product. A function rather than a
// module's top level, so that the installed command can also run it from a single-file copy
// of the `flags` code (see main.ts).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Commander from "commander";
import { Interrupted } from "../executors/interrupt.ts";
import { UsageError } from "../common/usage.ts";
import { helpConfiguration } from "./help.ts";

// commander is CommonJS: required rather than imported, which spares Node parsing its source
// a second time to find its named exports (about 4 ms of every start).
const { Command, CommanderError } = createRequire(import.meta.url)("commander") as typeof Commander;

/** Run the command line in process.argv; the exit status goes to process.exitCode. */
export async function runCli(): Promise<void> {
  // `futures ... | head` closes the pipe early: that is the reader's choice, not an error. A
  // command that handles Ctrl-C (a download) is interrupted the same way, so that it cleans up;
  // any other ends quietly.
  let readerGone = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      if (readerGone) return;
      readerGone = true;
      if (process.listenerCount("SIGINT") > 0) process.emit("SIGINT");
      else process.exit(process.exitCode ?? 0);
    });
  }

  const program = new Command("futures")
    .description("concurrency with futures: flag downloads, flag servers and CPU-bound work in pools")
    .version(packageVersion(), "-V, --version", "print the version of futures-cli and exit")
    // Before the subcommands are added: each takes a copy of it.
    .configureHelp(helpConfiguration)
    .exitOverride()
    // Commander's own parse errors are printed below, in the same format as ours.
    .configureOutput({ outputError: () => {} });

  await registerCommands(program, process.argv[2]);

  // Remember which subcommand runs, so that a usage error can show that command's usage.
  let active: Commander.Command = program;
  const follow = (command: Commander.Command): void => {
    command.hook("preSubcommand", (_, sub) => {
      active = sub;
    });
    command.commands.forEach(follow);
  };
  follow(program);

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error, active);
  }
}

/**
 * Register the subcommands. A run of `flags` or `serve` registers only that one: parsing it
 * needs no other, and loading the others' modules would delay the command's start.
 */
async function registerCommands(program: Commander.Command, name: string | undefined): Promise<void> {
  if (name !== "serve") (await import("../flags-command/command.ts")).registerFlagsCommands(program);
  if (name !== "flags") (await import("../serve-command/command.ts")).registerServerCommands(program);
  if (name === "flags" || name === "serve") return;
  (await import("../worker-command/command.ts")).registerWorkerCommand(program);
  (await import("../status-command/command.ts")).registerStatusCommand(program);
  (await import("../dashboard-command/command.ts")).registerDashboardCommand(program);
  if (name === "worker" || name === "status" || name === "dashboard") return;
  (await import("../cpu-commands/command.ts")).registerCpuCommands(program);
  (await import("../demos/command.ts")).registerDemoCommands(program);
  (await import("../bench/command.ts")).registerBenchCommand(program);
}

function exitCodeFor(error: unknown, active: Commander.Command): number {
  if (error instanceof CommanderError) {
    // Help and version end with 0 and have been printed; so has the help shown when no
    // command is given. The rest are parse errors, not printed yet.
    if (error.exitCode === 0 || error.code === "commander.help") return error.exitCode === 0 ? 0 : 2;
    return usageError(error.message.replace(/^error: /, ""), active);
  }
  if (error instanceof UsageError) return usageError(error.message, active);
  if (error instanceof Interrupted) {
    console.error(`${commandPath(active)}: ${error.message}`);
    return error.status;
  }
  console.error(`futures: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

/** One line that says what is wrong, then the command's usage: exit status 2. */
function usageError(message: string, active: Commander.Command): number {
  console.error(`${commandPath(active)}: error: ${message}`);
  console.error(`Usage: ${commandPath(active)} ${active.usage()}`);
  return 2;
}

function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function commandPath(command: Commander.Command): string {
  const names: string[] = [];
  for (let c: Commander.Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
