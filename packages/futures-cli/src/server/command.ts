// The `futures serve` subcommand. The server itself is loaded only when the command runs,
// so other subcommands start without it.
import type { Command } from "commander";
import { DEFAULT_DELAY, DEFAULT_FAULTS, DEFAULT_PORTS, type Delay } from "./options.ts";
import type { ServeFlags } from "./serve-options.ts";

export function registerServerCommands(program: Command): void {
  const faults = DEFAULT_FAULTS;
  program
    .command("serve")
    .summary("run the flag servers: LOCAL, DELAY and ERROR (the book's test servers)")
    .description(
      "Run the flag servers: LOCAL (as fast as it can), DELAY (every response delayed) and " +
        "ERROR (faults injected; by default the 1st edition's mix: 25% error statuses, 50% delayed)",
    )
    .option("--host <H>", "address to bind", "127.0.0.1")
    .option("--port <N>", "LOCAL port (0 picks a free one)", String(DEFAULT_PORTS.LOCAL))
    .option("--delay-port <N>", "DELAY port", String(DEFAULT_PORTS.DELAY))
    .option("--error-port <N>", "ERROR port", String(DEFAULT_PORTS.ERROR))
    .option("--data <DIR>", "folder with flags/{cc}/{cc}.gif (default: the package's data set)")
    .option(
      "--delay <SECONDS|MIN:MAX>",
      "DELAY: delay of every response, fixed or uniform in MIN:MAX",
      delayText(DEFAULT_DELAY),
    )
    .option(
      "--error-rate <R>",
      "ERROR: share of requests answered with an error status",
      String(faults.statusRate),
    )
    .option("--error-status <LIST>", "ERROR: statuses to draw from, e.g. 418", faults.statuses.join(","))
    .option("--delay-rate <R>", "ERROR: share of requests delayed", String(faults.delayRate))
    .option(
      "--error-delay <SECONDS|MIN:MAX>",
      "ERROR: how long a delayed request waits",
      delayText(faults.delay),
    )
    .option(
      "--reset-rate <R>",
      "ERROR: share of connections reset without an answer",
      String(faults.resetRate),
    )
    .option("--hang-rate <R>", "ERROR: share of requests never answered", String(faults.hangRate))
    .option(
      "--truncate-rate <R>",
      "ERROR: share of bodies cut short of their Content-Length",
      String(faults.truncateRate),
    )
    .option("--throttle-rate <R>", "ERROR: share of bodies dripped slowly", String(faults.throttleRate))
    .option(
      "--throttle-bps <N>",
      "ERROR: bytes per second of a throttled body",
      String(faults.throttleBytesPerSecond),
    )
    .option("--seed <N>", "seed of the fault and delay draws, to repeat a run (default: random, printed)")
    .action(async (flags: ServeFlags) => {
      const { serve } = await import("./serve.ts");
      await serve(flags);
    });
}

function delayText(delay: Delay): string {
  return typeof delay === "number" ? String(delay) : `${delay.min}:${delay.max}`;
}
