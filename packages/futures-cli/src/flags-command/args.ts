// The command line of `futures flags`, checked and turned into settings; any bad value is a
// UsageError (one line, exit status 2). The flags library's own checks throw RangeError or
// TypeError, as library functions do; only here do they become usage errors.
import { UsageError, parseInteger, parseTimerSeconds } from "../common/usage.ts";
import { selectCodes } from "../flags/country-codes.ts";
import { DEFAULT_DEST, DEFAULT_MAX_FILESIZE, DEFAULT_TIMEOUT_MS, MAX_RETRIES } from "../flags/defaults.ts";
import {
  DEFAULT_EXECUTOR,
  EXECUTORS,
  EXECUTOR_NAMES,
  parseExecutorName,
  type ExecutorName,
} from "../executors/catalogue.ts";
import { actualConcurrency } from "../flags/concurrency.ts";
import { resolveServer, type ServerChoice } from "../flags/servers.ts";

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
  maxFilesize?: string;
  overwrite?: boolean;
  json?: boolean;
  progress?: boolean;
  connection?: string;
  queue?: string;
  keyFile?: string;
}

export interface FlagsSettings {
  codes: string[];
  server: ServerChoice;
  executor: ExecutorName;
  concurrency: number;
  dest: string;
  retries: number;
  timeoutMs: number;
  /** Largest flag accepted, in bytes. */
  maxFileSize: number;
  overwrite: boolean;
  verbose: boolean;
  json: boolean;
  progress: boolean;
  /** Lines for stderr about what was adjusted ("note: ..."). */
  notes: string[];
}

export { MAX_RETRIES };

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
  // A number too large to hold asks for "as many as possible": clamped to what the executor
  // allows (or every code for -l) rather than refused, since the request is clear.
  const maxReq = options.maxReq === undefined ? undefined : parseAtLeastOne(options.maxReq, "--max-req N");
  const limit = options.limit === undefined ? undefined : parseAtLeastOne(options.limit, "--limit N");
  const server = resolveServer(options.server ?? "LOCAL", env);
  const executor =
    options.executor === undefined
      ? DEFAULT_EXECUTOR
      : parseExecutorName(options.executor, EXECUTOR_NAMES, "--executor");
  const retries =
    options.retries === undefined ? 0 : parseInteger(options.retries, "--retries N", 0, MAX_RETRIES);
  const timeoutMs =
    options.timeout === undefined
      ? DEFAULT_TIMEOUT_MS
      : parseTimerSeconds(options.timeout, "--timeout SECONDS");
  const maxFileSize =
    options.maxFilesize === undefined ? DEFAULT_MAX_FILESIZE : parseFileSize(options.maxFilesize);
  const dest = options.dest ?? DEFAULT_DEST;
  if (dest.trim() === "") throw new UsageError("--dest DIR must name a folder");
  const codes = selectCodes({ every: options.every, all: options.all, args: ccArgs, limit });
  const notes: string[] = [];
  const maximum = EXECUTORS[executor].downloads.maxConcurrency;
  if (maxReq !== undefined && maxReq > maximum) {
    notes.push(`note: --max-req ${options.maxReq} is more than ${executor} allows; using at most ${maximum}`);
  }
  return {
    codes,
    server,
    executor,
    concurrency: actualConcurrency(executor, maxReq, codes.length),
    dest,
    retries,
    timeoutMs,
    maxFileSize,
    overwrite: options.overwrite ?? false,
    verbose: options.verbose ?? false,
    json: options.json ?? false,
    progress: options.progress ?? true,
    notes,
  };
}

/** A whole number >= 1; one too large for a number is the largest there is. */
function parseAtLeastOne(text: string, what: string): number {
  if (/^\s*\+?\d+\s*$/.test(text) && !Number.isSafeInteger(Number(text)) && Number(text) >= 1) {
    return Number.MAX_SAFE_INTEGER;
  }
  return parseInteger(text, what, 1);
}

/** 1024-based, as curl reads its --max-filesize suffixes. */
const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
/** A flag is held in memory whole: more than 1 GiB is never a flag. */
export const MAX_FILESIZE_LIMIT = 1024 ** 3;

/** Bytes from 1 to 1G, with an optional suffix K, M or G (1024-based): "500K", "2M". */
function parseFileSize(text: string): number {
  const match = /^\s*(\d+)\s*([kmg]?)\s*$/i.exec(text);
  const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!(bytes >= 1 && bytes <= MAX_FILESIZE_LIMIT)) {
    throw new UsageError(
      `--max-filesize BYTES must be a whole number of bytes from 1 to 1G, with an optional suffix K, M or G, got '${text}'`,
    );
  }
  return bytes;
}
