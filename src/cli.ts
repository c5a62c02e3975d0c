#!/usr/bin/env node
// The `futures` command: one entry, one subcommand per part of the product.
import { Command, CommanderError } from "commander";
import { registerServerCommands } from "./server/command.ts";
import { UsageError } from "./usage.ts";

const program = new Command("futures")
  .description("Concurrency with futures: flag downloads, flag servers and CPU-bound work in pools")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerServerCommands(program);

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
    console.error(`futures: error: ${error.message}`);
    console.error("(run with --help for usage)");
    return 2;
  }
  console.error(`futures: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
