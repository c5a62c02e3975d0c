// `futures serve` option strings to FlagServerOptions; every bad value is a UsageError.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseInteger, parseSeconds, UsageError } from "../cli/usage.ts";
import type { Delay, FaultOptions, FlagServerOptions } from "./options.ts";

/** The options as commander hands them over: strings, absent when not given. */
export interface ServeFlags {
  host?: string;
  port?: string;
  delayPort?: string;
  errorPort?: string;
  data?: string;
  delay?: string;
  errorRate?: string;
  errorStatus?: string;
  delayRate?: string;
  errorDelay?: string;
  resetRate?: string;
  hangRate?: string;
  truncateRate?: string;
  throttleRate?: string;
  throttleBps?: string;
  seed?: string;
}

export function parseServeFlags(flags: ServeFlags): FlagServerOptions {
  const options: FlagServerOptions = {
    ports: {
      LOCAL: parseInteger(flags.port ?? "8001", "--port", 0, 65535),
      DELAY: parseInteger(flags.delayPort ?? "8002", "--delay-port", 0, 65535),
      ERROR: parseInteger(flags.errorPort ?? "8003", "--error-port", 0, 65535),
    },
  };
  if (flags.host !== undefined) options.host = parseHost(flags.host);
  if (flags.data !== undefined) options.dataDir = parseDataDir(flags.data);
  if (flags.delay !== undefined) options.delay = parseDelay(flags.delay, "--delay");
  if (flags.seed !== undefined) options.seed = parseInteger(flags.seed, "--seed", 0, 2 ** 32 - 1);
  options.faults = parseFaults(flags);
  return options;
}

function parseFaults(flags: ServeFlags): FaultOptions {
  const faults: FaultOptions = {};
  const shares: string[] = [];
  let total = 0;
  const rate = (text: string | undefined, what: string) => {
    if (text === undefined) return undefined;
    const value = parseRate(text, what);
    if (value > 0) shares.push(`${what} ${value}`);
    total += value;
    return value;
  };
  faults.statusRate = rate(flags.errorRate, "--error-rate");
  faults.delayRate = rate(flags.delayRate, "--delay-rate");
  faults.resetRate = rate(flags.resetRate, "--reset-rate");
  faults.hangRate = rate(flags.hangRate, "--hang-rate");
  faults.truncateRate = rate(flags.truncateRate, "--truncate-rate");
  faults.throttleRate = rate(flags.throttleRate, "--throttle-rate");
  if (total > 1 + 1e-9) {
    // Each request gets at most one fault, so the shares cannot exceed the whole.
    throw new UsageError(`${shares.join(" + ")} add up to more than 1; lower one of them`);
  }
  if (flags.errorStatus !== undefined) faults.statuses = parseStatuses(flags.errorStatus);
  if (flags.errorDelay !== undefined) faults.delay = parseDelay(flags.errorDelay, "--error-delay");
  if (flags.throttleBps !== undefined) {
    faults.throttleBytesPerSecond = parseInteger(flags.throttleBps, "--throttle-bps", 1);
  }
  return faults;
}

/** SECONDS or MIN:MAX, as the 2nd edition's `--delay 0.5:5`. */
export function parseDelay(text: string, what: string): Delay {
  const parts = text.split(":");
  if (parts.length === 1) return parseSeconds(text, what);
  if (parts.length !== 2) throw new UsageError(`${what} must be SECONDS or MIN:MAX, got '${text}'`);
  const min = parseSeconds(parts[0]!, `${what} MIN`);
  const max = parseSeconds(parts[1]!, `${what} MAX`);
  if (max < min) throw new UsageError(`${what} MIN:MAX needs MIN <= MAX, got '${text}'`);
  return { min, max };
}

export function parseRate(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`${what} must be a probability from 0 to 1 (0.25 for 25%), got '${text}'`);
  }
  return value;
}

/** A comma-separated list of error statuses: 418, or 500,501,502,503. */
export function parseStatuses(text: string): number[] {
  return text.split(",").map((part) => parseInteger(part.trim(), "--error-status", 400, 599));
}

function parseHost(text: string): string {
  if (text.trim() === "" || /\s/.test(text)) throw new UsageError(`--host must be an address, got '${text}'`);
  return text;
}

function parseDataDir(text: string): string {
  const dir = resolve(text);
  if (!isDirectory(join(dir, "flags"))) {
    throw new UsageError(
      `--data must be a folder holding flags/{cc}/{cc}.gif; ${join(dir, "flags")} is not a folder`,
    );
  }
  return dir;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
