// The `futures serve` subcommand. The server itself is loaded only when the command runs,
// so other subcommands start without it. Defaults are filled in by the server, not by
// commander, so that a rate the user did not give can shrink to fit the ones given.
import { Option, type Command } from "commander";
import { delayText } from "../server/delay.ts";
import { FAULT_KINDS } from "../server/fault-kinds.ts";
import { DEFAULT_DELAY, DEFAULT_PORTS, LISTENER_LABELS } from "../server/options.ts";
import { PORT_FLAGS, type ServeFlags } from "./serve-options.ts";

const PORT_HELP = {
  LOCAL: "LOCAL port; 0 picks a free one",
  DELAY: "DELAY port",
  ERROR: "ERROR port",
} as const;

export function registerServerCommands(program: Command): void {
  const command = program
    .command("serve")
    .summary("run the flag servers: LOCAL, DELAY and ERROR (the book's test servers)")
    .description(
      "run the flag servers: LOCAL (as fast as it can), DELAY (every response delayed) and " +
        "ERROR (faults injected; by default the 1st edition's mix: 25% error statuses, 50% delayed)",
    )
    .addOption(option("--host <H>", "address to bind; any but loopback lets other machines in", "127.0.0.1"));
  for (const label of LISTENER_LABELS) {
    command.addOption(option(`${PORT_FLAGS[label]} <N>`, PORT_HELP[label], String(DEFAULT_PORTS[label])));
  }
  command
    .addOption(option("--data <DIR>", "folder with flags/{cc}/{cc}.gif", "the package's data set"))
    .addOption(
      option(
        "--delay <SECONDS|MIN:MAX>",
        "DELAY: delay of every response, fixed or uniform in MIN:MAX",
        delayText(DEFAULT_DELAY),
      ),
    );
  for (const row of FAULT_KINDS) {
    const shrinks = row.defaultRate > 0 ? ", less if the rates given leave less" : "";
    command.addOption(option(`${row.flag} <R>`, `ERROR: ${row.help}`, `${row.defaultRate}${shrinks}`));
    for (const setting of row.settings) {
      command.addOption(
        option(`${setting.flag} ${setting.arg}`, `ERROR: ${setting.help}`, setting.show(setting.default)),
      );
    }
  }
  command
    .addOption(
      option(
        "--max-connections <N>",
        "open connections per listener; over it the oldest idle one is closed",
        "a share of the open-file limit, 16 to 4096",
      ),
    )
    .addOption(option("--seed <N>", "seed of the fault and delay draws, to repeat a run", "random, printed"))
    .addHelpText(
      "after",
      "\nFUTURES_LOCAL_PORT, FUTURES_DELAY_PORT and FUTURES_ERROR_PORT move the default\n" +
        "ports, as they do for futures flags, so that both agree where LOCAL, DELAY and\n" +
        "ERROR listen.",
    )
    .action(async (flags: ServeFlags) => {
      const { serve } = await import("./serve.ts");
      await serve(flags);
    });
}

/** An option whose default is shown in the help as written, not quoted, and not set by commander. */
function option(flags: string, help: string, shownDefault: string): Option {
  return new Option(flags, `${help} (default: ${shownDefault})`);
}
