// The `flags` subcommand. Only commander and tiny modules load here: the downloader itself
// is imported when the command runs, so `futures` starts fast.
import { Option, type Command } from "commander";
import { DEFAULT_DEST, DEFAULT_MAX_FILESIZE, DEFAULT_TIMEOUT_MS } from "../flags/defaults.ts";
import { DEFAULT_EXECUTOR, EXECUTORS, EXECUTOR_NAMES } from "../executors/catalogue.ts";
import { addQueueOptions, useQueueFlags } from "../executors/queue-options.ts";
import { withShownChoices } from "../common/shown-choices.ts";
import { addObserveOptions, observed, type ObserveFlags } from "../observe/observe-options.ts";
import type { FlagsCliOptions } from "./args.ts";

export function registerFlagsCommands(program: Command): void {
  const defaults = EXECUTOR_NAMES.map(
    (name) => `${name} ${EXECUTORS[name].downloads.defaultConcurrency}`,
  ).join(", ");
  const maxima = EXECUTOR_NAMES.map((name) => `${name} ${EXECUTORS[name].downloads.maxConcurrency}`).join(
    ", ",
  );
  const command = program
    .command("flags")
    .summary("download flags of countries concurrently (the book's flags2 programs)")
    .description(
      "download flags of countries, with error handling, on the executor of your choice. " +
        "Default: the 20 most populous countries; -e beats -a beats CC arguments; codes are " +
        "sorted, then cut by -l.",
    )
    .argument("[CC...]", "country code or first letter (e.g. B for BA...BZ)")
    .option("-a, --all", "get all available flags (AD to ZW)")
    .option("-e, --every", "get flags for every possible code (AA...ZZ)")
    .option("-l, --limit <N>", "limit to N first codes")
    .option("-m, --max-req <N>", `maximum concurrent requests (default: ${defaults}; at most: ${maxima})`)
    .option(
      "-s, --server <LABEL|URL>",
      "where the flags come from: LOCAL, DELAY, ERROR, REMOTE or a base URL",
      "LOCAL",
    )
    .option("-v, --verbose", "print one line per code instead of a progress bar")
    // Checked by parseExecutorName (args.ts), which takes any case.
    .addOption(
      withShownChoices(
        new Option("-x, --executor <NAME>", "where the downloads run").default(DEFAULT_EXECUTOR),
        EXECUTOR_NAMES,
      ),
    )
    .option("-d, --dest <DIR>", "folder the flags are saved in", DEFAULT_DEST);
  addQueueOptions(command)
    .option(
      "--retries <N>",
      "retries after the first try, of transient failures only (refused, reset, timeout, truncated, " +
        "408, 429, 500, 502, 503, 504), waiting about 1, 2, 4, 8 then 10 s, or as Retry-After asks",
      "0",
    )
    .option(
      "--timeout <SECONDS>",
      "time allowed for each request (more than 0, at most 2147483)",
      String(DEFAULT_TIMEOUT_MS / 1000),
    )
    .option(
      "--max-filesize <BYTES>",
      "largest flag accepted, as curl's --max-filesize (K, M, G suffixes, 1024-based; at most 1G): " +
        "a larger body is an error for its code, read no further and never saved",
      `${DEFAULT_MAX_FILESIZE / 1024 ** 2}M`,
    )
    .option(
      "--overwrite",
      "write every flag, even over an identical file (by default an identical file is kept, anything else replaced)",
    )
    .option("--json", "print the whole result as JSON on stdout instead of the reports")
    .option("--no-progress", "no progress bar, even on a terminal");
  addObserveOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Concurrency used: min(--max-req, the executor's maximum, number of codes).",
        "On threads, the N requests run at once in one worker thread (-m 30: 1 x 30): a",
        "thread is a whole V8 isolate, and one event loop overlaps every download.",
        "LOCAL, DELAY and ERROR are 127.0.0.1 ports 8001, 8002 and 8003 (environment:",
        "FUTURES_LOCAL_PORT, FUTURES_DELAY_PORT, FUTURES_ERROR_PORT); when nothing",
        "listens there, the flag server starts inside the command.",
        "Exit status: 0 done, 1 some code ended in error, the run stopped (disk full,",
        "broken pool) or the destination cannot be written, 2 usage error, 130/143/129",
        "interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP.",
      ].join("\n"),
    )
    .action(async (ccArgs: string[], options: FlagsCliOptions & ObserveFlags) => {
      await useQueueFlags(options, { command: "flags", imports: "flags" });
      const { runFlags } = await import("./run-flags.ts");
      process.exitCode = await observed("flags", options, () => runFlags(ccArgs, options));
    });
}
