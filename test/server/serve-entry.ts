// A `futures` command with only `serve`, handling errors as src/cli.ts does, so the tests run
// the real command as a child process.
import { Command, CommanderError } from "commander";
import { registerServerCommands } from "../../src/server/command.ts";
import { UsageError } from "../../src/usage.ts";

const program = new Command("futures").exitOverride();
registerServerCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    console.error(`futures: error: ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
