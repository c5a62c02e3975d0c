// The `flags` subcommand. Only commander and tiny modules load here: the downloader itself
// is imported when the command runs, so `futures` starts fast.
import type { Command } from "commander";
import { DEFAULT_DEST, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
import { EXECUTORS, EXECUTOR_NAMES } from "../executors/catalogue.ts";
import { DEFAULT_EXECUTOR } from "./executors.ts";
import type { FlagsCliOptions } from "./args.ts";

export function registerFlagsCommands(program: Command): void {
  const defaults = EXECUTOR_NAMES.map(
    (name) => `${name} ${EXECUTORS[name].downloads.defaultConcurrency}`,
  ).join(", ");
  const maxima = EXECUTOR_NAMES.map((name) => `${name} ${EXECUTORS[name].downloads.maxConcurrency}`).join(
    ", ",
  );
  program
    .command("flags")
    .summary("download flags of countries concurrently (the book's flags2 programs)")
    .description(
      "Download flags of countries, with error handling, on the executor of your choice. " +
        "Default: the 20 most populous countries; -e beats -a beats CC arguments; codes are " +
        "sorted, then cut by -l.",
    )
    .argument("[CC...]", "country code or first letter (e.g. B for BA...BZ)")
    .option("-a, --all", "get all available flags (AD to ZW)")
    .option("-e, --every", "get flags for every possible code (AA...ZZ)")
    .option("-l, --limit <N>", "limit to N first codes")
    .option("-m, --max-req <N>", `maximum concurrent requests (default: ${defaults}; at most: ${maxima})`)
    .option("-s, --server <LABEL|URL>", "LOCAL, DELAY, ERROR, REMOTE or a base URL of flags", "LOCAL")
    .option("-v, --verbose", "print one line per code instead of a progress bar")
    .option("-x, --executor <NAME>", `${EXECUTOR_NAMES.join(", ")}`, DEFAULT_EXECUTOR)
    .option("-d, --dest <DIR>", "folder the flags are saved in", DEFAULT_DEST)
    .option("--retries <N>", "retry an error N times, with exponential backoff (never a 404)", "0")
    .option("--timeout <SECONDS>", "time allowed for each request", String(DEFAULT_TIMEOUT_MS / 1000))
    .option("--overwrite", "replace flags already in the folder (by default they are kept)")
    .option("--json", "print the whole result as JSON on stdout instead of the reports")
    .option("--no-progress", "no progress bar, even on a terminal")
    .addHelpText(
      "after",
      [
        "",
        "Concurrency used: min(--max-req, the executor's maximum, number of codes).",
        "LOCAL, DELAY and ERROR are 127.0.0.1 ports 8001, 8002 and 8003 (environment:",
        "FUTURES_LOCAL_PORT, FUTURES_DELAY_PORT, FUTURES_ERROR_PORT); when nothing",
        "listens there, the flag server starts inside the command.",
        "Exit status: 0 done, 1 some code ended in error or the destination cannot be",
        "written, 2 usage error, 130 interrupted (Ctrl-C).",
      ].join("\n"),
    )
    .action(async (ccArgs: string[], options: FlagsCliOptions) => {
      const { runFlags } = await import("./run-flags.ts");
      process.exitCode = await runFlags(ccArgs, options);
    });
}
