#!/usr/bin/env node
// The `futures` command: one entry, one subcommand per part of the product.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { demoCommand, registerCpuCommands } from "../cpu/command.ts";
import { registerFlagsCommands } from "../flags/command.ts";
import { registerServerCommands } from "../server/command.ts";
import { registerWorkerCommand } from "../worker/command.ts";
import { UsageError } from "./usage.ts";

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
  .description("Concurrency with futures: flag downloads, flag servers and CPU-bound work in pools")
  .version(packageVersion(), "-V, --version", "print the version of futures-cli and exit")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerFlagsCommands(program);
registerServerCommands(program);
registerCpuCommands(program);
registerWorkerCommand(program);
demoCommand(program)
  .command("as-completed")
  .description("the book's flags_threadpool_ac.py: five downloads on 3 threads, printed as they finish")
  .action(async () => (await import("../flags/as-completed-demo.ts")).runAsCompletedDemo());

// Remember which subcommand runs, so that a usage error can show that command's usage.
let active: Command = program;
program.hook("preAction", (_, command) => {
  active = command;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its one-line message (and usage on request).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError) {
    console.error(`${commandPath(active)}: error: ${error.message}`);
    console.error(`Usage: ${commandPath(active)} ${active.usage()}`);
    return 2;
  }
  console.error(`futures: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

function packageVersion(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
