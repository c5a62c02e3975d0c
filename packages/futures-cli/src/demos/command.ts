// The `demo` group: the book's demos of futures being scheduled and finishing. Only commander
// loads here; each demo imports its own code when it runs.
import type { Command } from "commander";
import { DEFAULT_DEST } from "../flags/defaults.ts";

export function registerDemoCommands(program: Command): void {
  const demo = program.command("demo").description("watch futures being scheduled and finishing");
  demo
    .command("map")
    .description("run Executor.map with 3 threads over loiter(0..4): parallel work, results in order")
    .action(async () => (await import("./demo-map.ts")).runMapDemo());
  demo
    .command("primes")
    .description("run Executor.map with 3 threads over prime checks of very different lengths")
    .action(async () => (await import("./demo-primes.ts")).runPrimesDemo());
  demo
    .command("as-completed")
    .description(
      "download five flags on 3 threads, printed as they finish (the book's flags_threadpool_ac.py)",
    )
    .option("-d, --dest <DIR>", "folder the five flags are saved in", DEFAULT_DEST)
    .action(async ({ dest }: { dest: string }) =>
      (await import("./as-completed.ts")).runAsCompletedDemo({ dest }),
    );
}
