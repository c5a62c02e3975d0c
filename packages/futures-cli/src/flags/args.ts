// The command line of `futures flags`, checked and turned into settings; any bad value is a
// UsageError (one line, exit status 2). The flags library's own checks throw RangeError or
// TypeError, as library functions do; only here do they become usage errors.
import { UsageError, parseInteger, parseSeconds } from "../cli/usage.ts";
import { selectCodes } from "./country-codes.ts";
import { DEFAULT_DEST, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
import { EXECUTOR_NAMES, parseExecutorName } from "../executors/catalogue.ts";
import { DEFAULT_EXECUTOR, actualConcurrency, type ExecutorName } from "./executors.ts";
import { resolveServer, type ServerChoice } from "./servers.ts";

/** The options as commander hands them over: strings, as typed. */
export interface FlagsCliOptions {
  all?: boolean;
  every?: boolean;
  limit?: string;
  maxReq?: string;
  server?: string;
  verbose?: boolean;
  executor?: string;
  dest?: string;
  retries?: string;
  timeout?: string;
  overwrite?: boolean;
  json?: boolean;
  progress?: boolean;
}

export interface FlagsSettings {
  codes: string[];
  server: ServerChoice;
  executor: ExecutorName;
  concurrency: number;
  dest: string;
  retries: number;
  timeoutMs: number;
  overwrite: boolean;
  verbose: boolean;
  json: boolean;
  progress: boolean;
}

export const MAX_RETRIES = 100;

export function parseFlagsArgs(
  ccArgs: readonly string[],
  options: FlagsCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): FlagsSettings {
  try {
    return settingsFrom(ccArgs, options, env);
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

function settingsFrom(
  ccArgs: readonly string[],
  options: FlagsCliOptions,
  env: NodeJS.ProcessEnv,
): FlagsSettings {
  const maxReq = options.maxReq === undefined ? undefined : parseInteger(options.maxReq, "--max-req N", 1);
  const limit = options.limit === undefined ? undefined : parseInteger(options.limit, "--limit N", 1);
  const server = resolveServer(options.server ?? "LOCAL", env);
  const executor =
    options.executor === undefined
      ? DEFAULT_EXECUTOR
      : parseExecutorName(options.executor, EXECUTOR_NAMES, "--executor");
  const retries =
    options.retries === undefined ? 0 : parseInteger(options.retries, "--retries N", 0, MAX_RETRIES);
  const timeoutMs = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(options.timeout);
  const dest = options.dest ?? DEFAULT_DEST;
  if (dest.trim() === "") throw new UsageError("--dest DIR must name a folder");
  const codes = selectCodes({ every: options.every, all: options.all, args: ccArgs, limit });
  return {
    codes,
    server,
    executor,
    concurrency: actualConcurrency(executor, maxReq, codes.length),
    dest,
    retries,
    timeoutMs,
    overwrite: options.overwrite ?? false,
    verbose: options.verbose ?? false,
    json: options.json ?? false,
    progress: options.progress ?? true,
  };
}

const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function parseTimeout(text: string): number {
  const seconds = parseSeconds(text, "--timeout SECONDS");
  if (seconds === 0) throw new UsageError(`--timeout SECONDS must be more than 0, got '${text}'`);
  // Node's timers hold at most 2^31 - 1 ms; a longer one would fire at once.
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout SECONDS must be at most ${MAX_TIMEOUT_SECONDS}, got '${text}'`);
  }
  return seconds * 1000;
}
