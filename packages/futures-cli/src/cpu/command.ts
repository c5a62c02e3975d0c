// The CPU-bound commands: arcfour, sha, primes, the Executor.map demos and bench.
// Only commander and tiny modules load here; each action imports its own code, so that the
// other subcommands of `futures` start fast.
import os from "node:os";
import { Option, type Command } from "commander";
import { parseInteger, UsageError } from "../cli/usage.ts";
import {
  CPU_EXECUTORS,
  LOCAL_CPU_EXECUTORS,
  parseExecutorName,
  type CpuExecutorName,
} from "../executors/catalogue.ts";
import { addQueueOptions, useQueueFlags, type QueueFlags } from "../executors/queue-options.ts";
import { maxCpuWorkers } from "./worker-count.ts";

interface SuiteFlags extends QueueFlags {
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

/** Jobs are buffers in memory (RC4's largest is 1.5 times --size): keep each well below the limits. */
const MAX_JOB_BYTES = 2 ** 29;

export function registerCpuCommands(program: Command): void {
  poolCommand(
    program,
    "arcfour",
    "encrypt and decrypt random data with RC4 in a pool (the book's arcfour_futures.py)",
  )
    .option(
      "--size <bytes>",
      "bytes of the middle job; the sizes spread from 1.5x down to about 0.5x",
      String(ARCFOUR_SIZE),
    )
    .option("--jobs <n>", "number of jobs", String(SUITE_JOBS))
    .addOption(
      new Option("--kernel <name>", "the RC4 implementation the jobs run")
        .choices(["wasm", "typescript"])
        .default("wasm"),
    )
    .action(async (workers: string | undefined, flags: SuiteFlags & { kernel: "wasm" | "typescript" }) => {
      await useQueueFlags(flags);
      const options = { ...suiteOptions(workers, flags), kernel: flags.kernel };
      const { runArcfour } = await import("./run-arcfour.ts");
      await runArcfour(options);
    });

  poolCommand(program, "sha", "SHA-256 of random data in a pool (the book's sha_futures.py)")
    .option("--size <bytes>", "bytes hashed by each job", String(SHA_SIZE))
    .option("--jobs <n>", "number of jobs", String(SUITE_JOBS))
    .action(async (workers: string | undefined, flags: SuiteFlags) => {
      await useQueueFlags(flags);
      const options = suiteOptions(workers, flags);
      const { runSha } = await import("./run-sha.ts");
      await runSha(options);
    });

  poolCommand(
    program,
    "primes",
    "check 20 large numbers for primality in a pool (the 2nd edition's proc_pool.py)",
  ).action(async (workers: string | undefined, flags: QueueFlags & { executor: CpuExecutorName }) => {
    await useQueueFlags(flags);
    const options = { executor: flags.executor, workers: parseWorkers(workers, flags.executor) };
    const { runPrimes } = await import("./run-primes.ts");
    await runPrimes(options);
  });

  const demo = demoCommand(program);
  demo
    .command("map")
    .description("Executor.map with 3 threads over loiter(0..4): parallel work, results in order")
    .action(async () => (await import("./demo-map.ts")).runMapDemo());
  demo
    .command("primes")
    .description("Executor.map with 3 threads over prime checks of very different lengths")
    .action(async () => (await import("./demo-primes.ts")).runPrimesDemo());
  // `demo as-completed` (runAsCompletedDemo, from src/flags) is added to this same group by
  // the command's entry, src/cli/main.ts, through demoCommand(program).

  program
    .command("bench")
    .description("the book's table 17-1 for this machine: RC4 and SHA on 1..N workers, with an HTML report")
    .option("--workers <n>", "largest number of workers", String(os.availableParallelism()))
    .option("--runs <n>", "runs per case; the median is reported", "3")
    .option("--html <file>", "where to write the HTML report", "bench-report.html")
    .option("--no-downloads", "skip the download comparison (futures flags -e on every executor)")
    .option("--size <bytes>", "bytes of the middle RC4 job", String(2 ** 23))
    .option("--sha-size <bytes>", "bytes hashed by each SHA job", String(2 ** 25))
    .option("--jobs <n>", "jobs per suite", "12")
    .option(
      "-x, --executors <list>",
      `comma-separated, from ${CPU_EXECUTORS.join(",")}`,
      LOCAL_CPU_EXECUTORS.join(","),
    )
    .action(async (flags: Record<string, string> & { downloads: boolean }) => {
      const options = {
        downloads: flags.downloads,
        maxWorkers: parseInteger(flags.workers!, "--workers", 1, maxCpuWorkers("processes")),
        runs: parseInteger(flags.runs!, "--runs"),
        html: flags.html!,
        arcfourSize: parseInteger(flags.size!, "--size", 1, MAX_JOB_BYTES),
        shaSize: parseInteger(flags.shaSize!, "--sha-size", 1, MAX_JOB_BYTES),
        jobs: parseInteger(flags.jobs!, "--jobs"),
        executors: parseExecutorList(flags.executors!),
      };
      const { runBench } = await import("./run-bench.ts");
      await runBench(options);
    });
}

/** The `demo` group, created on first use, so that any part can add its demo to it. */
export function demoCommand(program: Command): Command {
  const existing = program.commands.find((command) => command.name() === "demo");
  return existing ?? program.command("demo").description("watch futures being scheduled and finishing");
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
  return addQueueOptions(command);
}

function executorOption(): Option {
  return new Option(
    "-x, --executor <kind>",
    "where the jobs run (queue: `futures worker` processes, through Redis)",
  )
    .choices(CPU_EXECUTORS)
    .default("processes");
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

function parseExecutorList(text: string): CpuExecutorName[] {
  try {
    return [...new Set(text.split(",").map((name) => parseExecutorName(name, CPU_EXECUTORS, "--executors")))];
  } catch (error) {
    throw error instanceof RangeError ? new UsageError(error.message) : error;
  }
}
