// The CPU-bound commands: arcfour, sha and primes. Only commander and tiny modules load
// here; each action imports its own code, so that the other subcommands of `futures` start
// fast.
import { Option, type Command } from "commander";
import { parseInteger } from "../common/usage.ts";
import { CPU_EXECUTORS, DEFAULT_CPU_EXECUTOR, type CpuExecutorName } from "../executors/catalogue.ts";
import { addQueueOptions, useQueueFlags, type QueueFlags } from "../executors/queue-options.ts";
import { maxCpuWorkers } from "../executors/worker-count.ts";
import { MAX_JOB_BYTES } from "../cpu/job-checks.ts";
import { addObserveOptions, observed, type ObserveFlags } from "../observe/observe-options.ts";

interface SuiteFlags extends QueueFlags, ObserveFlags {
  executor: CpuExecutorName;
  size: string;
  jobs: string;
}

// The defaults of arcfour_futures.py and sha_futures.py, sized so that the speedup of a
// second process shows (see arcfour-job.ts and sha-job.ts). Plain numbers here, so that
// `futures --help` does not load the jobs.
const ARCFOUR_SIZE = 2 ** 25;
const SHA_SIZE = 2 ** 27;
const SUITE_JOBS = 12;

export { MAX_JOB_BYTES };

export function registerCpuCommands(program: Command): void {
  poolCommand(
    program,
    "arcfour",
    "encrypt and decrypt random data with RC4 in a pool (the book's arcfour_futures.py)",
  )
    .option(
      "--size <BYTES>",
      "bytes of the middle job; the sizes spread from 1.5x down to about 0.5x",
      String(ARCFOUR_SIZE),
    )
    .option("--jobs <N>", "number of jobs", String(SUITE_JOBS))
    .addOption(
      new Option("--kernel <NAME>", "the RC4 implementation the jobs run")
        .choices(["wasm", "typescript"])
        .default("wasm"),
    )
    .action(async (workers: string | undefined, flags: SuiteFlags & { kernel: "wasm" | "typescript" }) => {
      await useQueueFlags(flags, { command: "arcfour", imports: "cpu" });
      const options = { ...suiteOptions(workers, flags), kernel: flags.kernel };
      const { runArcfour } = await import("./run-arcfour.ts");
      await observed("arcfour", flags, () => runArcfour(options));
    });

  poolCommand(program, "sha", "hash random data with SHA-256 in a pool (the book's sha_futures.py)")
    .option("--size <BYTES>", "bytes hashed by each job", String(SHA_SIZE))
    .option("--jobs <N>", "number of jobs", String(SUITE_JOBS))
    .action(async (workers: string | undefined, flags: SuiteFlags) => {
      await useQueueFlags(flags, { command: "sha", imports: "cpu" });
      const options = suiteOptions(workers, flags);
      const { runSha } = await import("./run-sha.ts");
      await observed("sha", flags, () => runSha(options));
    });

  poolCommand(
    program,
    "primes",
    "check 20 large numbers for primality in a pool (the 2nd edition's proc_pool.py)",
  ).action(
    async (workers: string | undefined, flags: QueueFlags & ObserveFlags & { executor: CpuExecutorName }) => {
      await useQueueFlags(flags, { command: "primes", imports: "cpu" });
      const options = { executor: flags.executor, workers: parseWorkers(workers, flags.executor) };
      const { runPrimes } = await import("./run-primes.ts");
      await observed("primes", flags, () => runPrimes(options));
    },
  );
}

/** A command whose jobs run on a pool: WORKERS, -x and where -x queue goes. */
function poolCommand(program: Command, name: string, description: string): Command {
  const command = program
    .command(name)
    .description(description)
    .argument(
      "[WORKERS]",
      "number of workers; no more start than there are jobs (default: the executor's default)",
    )
    .addOption(executorOption());
  return addObserveOptions(addQueueOptions(command));
}

function executorOption(): Option {
  return new Option(
    "-x, --executor <KIND>",
    "where the jobs run (queue: `futures worker` processes, through Redis)",
  )
    .choices(CPU_EXECUTORS)
    .default(DEFAULT_CPU_EXECUTOR);
}

function parseWorkers(text: string | undefined, kind: CpuExecutorName): number | undefined {
  return text === undefined ? undefined : parseInteger(text, "WORKERS", 1, maxCpuWorkers(kind));
}

function suiteOptions(workers: string | undefined, flags: SuiteFlags) {
  return {
    executor: flags.executor,
    workers: parseWorkers(workers, flags.executor),
    size: parseInteger(flags.size, "--size", 1, MAX_JOB_BYTES),
    jobs: parseInteger(flags.jobs, "--jobs"),
  };
}
