// The `bench` subcommand: the book's table 17-1 for this machine. Only commander and tiny
// modules load here; the bench itself is imported when the command runs.
import os from "node:os";
import type { Command } from "commander";
import { parseInteger, UsageError } from "../common/usage.ts";
import {
  CPU_EXECUTORS,
  DEFAULT_CPU_EXECUTOR,
  LOCAL_CPU_EXECUTORS,
  parseExecutorName,
  type CpuExecutorName,
} from "../executors/catalogue.ts";
import { maxCpuWorkers } from "../executors/worker-count.ts";
import { MAX_JOB_BYTES } from "../cpu-commands/command.ts";
import { addObserveOptions, observed, type ObserveFlags } from "../observe/observe-options.ts";

export function registerBenchCommand(program: Command): void {
  const command = program
    .command("bench")
    .description(
      "time RC4 and SHA-256 on 1..N workers: the book's table 17-1 for this machine, with an HTML report",
    )
    .option("--workers <N>", "largest number of workers", String(os.availableParallelism()))
    .option("--runs <N>", "runs per case; the median is reported", "3")
    .option("--html <FILE>", "where to write the HTML report", "bench-report.html")
    .option("--no-downloads", "skip the download comparison (futures flags -e on every executor)")
    .option("--size <BYTES>", "bytes of the middle RC4 job", String(2 ** 23))
    .option("--sha-size <BYTES>", "bytes hashed by each SHA job", String(2 ** 25))
    .option("--jobs <N>", "jobs per suite", "12")
    .option(
      "-x, --executors <LIST>",
      `comma-separated, from ${CPU_EXECUTORS.join(",")}`,
      LOCAL_CPU_EXECUTORS.join(","),
    );
  addObserveOptions(command).action(
    async (flags: Record<string, string> & ObserveFlags & { downloads: boolean }) => {
      const options = {
        downloads: flags.downloads,
        maxWorkers: parseInteger(flags.workers!, "--workers", 1, maxCpuWorkers(DEFAULT_CPU_EXECUTOR)),
        runs: parseInteger(flags.runs!, "--runs"),
        html: flags.html!,
        arcfourSize: parseInteger(flags.size!, "--size", 1, MAX_JOB_BYTES),
        shaSize: parseInteger(flags.shaSize!, "--sha-size", 1, MAX_JOB_BYTES),
        jobs: parseInteger(flags.jobs!, "--jobs"),
        executors: parseExecutorList(flags.executors!),
        traceFile: flags.trace,
      };
      const { runBench } = await import("../bench/run-bench.ts");
      await observed("bench", flags, () => runBench(options));
    },
  );
}

function parseExecutorList(text: string): CpuExecutorName[] {
  try {
    return [...new Set(text.split(",").map((name) => parseExecutorName(name, CPU_EXECUTORS, "--executors")))];
  } catch (error) {
    throw error instanceof RangeError ? new UsageError(error.message) : error;
  }
}
