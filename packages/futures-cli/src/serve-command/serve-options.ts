// `futures serve` option strings to FlagServerOptions; every bad value is a UsageError. The
// fault options come from the table of fault kinds, the port options from PORT_FLAGS.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseInteger, UsageError } from "../common/usage.ts";
import { FAULT_KINDS, fillRates, type FaultKind } from "../server/fault-kinds.ts";
import { SETTING_PARSERS } from "./fault-flags.ts";
import { parseDelay, parseRate } from "./flag-values.ts";
import {
  LISTENER_LABELS,
  listenerPort,
  type FaultOptions,
  type FlagServerOptions,
  type ListenerLabel,
} from "../server/options.ts";

/** The flag that sets each listener's port. */
export const PORT_FLAGS: Readonly<Record<ListenerLabel, string>> = {
  LOCAL: "--port",
  DELAY: "--delay-port",
  ERROR: "--error-port",
};

/** The options as commander hands them over: strings, absent when not given. */
export interface ServeFlags {
  host?: string;
  data?: string;
  delay?: string;
  seed?: string;
  maxConnections?: string;
  /** The port and fault options, by commander's name for their flag (--error-rate: errorRate). */
  [option: string]: string | undefined;
}

/** Commander's name for a flag's value: --error-rate gives errorRate. */
function optionKey(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function parseServeFlags(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): FlagServerOptions {
  const options: FlagServerOptions = { ports: {}, faults: parseFaults(flags) };
  for (const label of LISTENER_LABELS) {
    const text = flags[optionKey(PORT_FLAGS[label])];
    options.ports![label] =
      text === undefined ? portFromEnv(label, env) : parseInteger(text, PORT_FLAGS[label], 0, 65535);
  }
  if (flags.host !== undefined) options.host = parseHost(flags.host);
  if (flags.data !== undefined) options.dataDir = parseDataDir(flags.data);
  if (flags.delay !== undefined) options.delay = parseDelay(flags.delay, "--delay");
  if (flags.seed !== undefined) options.seed = parseInteger(flags.seed, "--seed", 0, 2 ** 32 - 1);
  if (flags.maxConnections !== undefined) {
    options.maxConnections = parseInteger(flags.maxConnections, "--max-connections", 1);
  }
  return options;
}

/** Only the fault options given; the server fills in the rest as it does for a program. */
function parseFaults(flags: ServeFlags): FaultOptions {
  const faults: Record<string, unknown> = {};
  const given: Partial<Record<FaultKind, number>> = {};
  for (const row of FAULT_KINDS) {
    const rate = flags[optionKey(row.flag)];
    if (rate !== undefined) faults[row.rate] = given[row.kind] = parseRate(rate, row.flag);
    for (const setting of row.settings) {
      const text = flags[optionKey(setting.flag)];
      if (text !== undefined) faults[setting.key] = SETTING_PARSERS[setting.key](text, setting.flag);
    }
  }
  fillRates(given, (row) => row.flag, UsageError);
  return faults as FaultOptions;
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

/** A listener's port when no flag sets it: FUTURES_*_PORT, as `futures flags` reads it, or the default. */
function portFromEnv(label: ListenerLabel, env: NodeJS.ProcessEnv): number {
  try {
    return listenerPort(label, env);
  } catch (error) {
    throw error instanceof RangeError ? new UsageError(error.message) : error;
  }
}
