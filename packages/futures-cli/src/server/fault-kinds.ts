// The ERROR listener's fault kinds in one table: for each kind, its rate option and
// command-line flag, its default rate, the phrase that describes it, how a draw builds it, and
// the settings of its own. The draw order, the stats counters, the description, the option
// checks, and the `futures serve` options are all derived from this table (the command line
// reads the settings' text with parsers of its own: serve-command/fault-flags.ts).
import { checkDelay, delayText, drawDelayMs, formatDelay } from "./delay.ts";
import type { FaultConfig, FaultOptions } from "./options.ts";
import type { Random } from "./random.ts";

/** What happens to one request on the ERROR listener. */
export type Fault =
  | { kind: "none" }
  | { kind: "status"; status: number }
  | { kind: "delay"; ms: number }
  | { kind: "reset" }
  /** Never answered; the connection is dropped after `ms`. */
  | { kind: "hang"; ms: number }
  | { kind: "truncate" }
  | { kind: "throttle"; bytesPerSecond: number };

export const NO_FAULT: Fault = { kind: "none" };

/** What can happen to a flag request on the ERROR listener, besides nothing. */
export type FaultKind = Exclude<Fault["kind"], "none">;

/** The settings that are not rates: each belongs to one fault kind. */
export type SettingKey = Exclude<keyof FaultOptions, `${FaultKind}Rate`>;

/** A value of its own that one fault kind needs, like the statuses an error is drawn from. */
export interface FaultSetting<K extends SettingKey = SettingKey> {
  key: K;
  flag: string;
  /** The flag's argument in the help, like <LIST>. */
  arg: string;
  help: string;
  default: FaultConfig[K];
  /** A value given in a program; a RangeError naming `what` on a bad one. */
  check(value: FaultConfig[K], what: string): void;
  /** The value as the command line writes it. */
  show(value: FaultConfig[K]): string;
}

export interface FaultKindRow<K extends FaultKind = FaultKind> {
  kind: K;
  /** Its probability in FaultOptions, and the flag that sets it. */
  rate: Extract<keyof FaultOptions, `${K}Rate`>;
  flag: string;
  defaultRate: number;
  /** What the flag sets, for `futures serve --help`. */
  help: string;
  /** What happens to the requests it hits, after "25% ...": "are delayed by 0.5 s". */
  phrase(config: FaultConfig): string;
  draw(config: FaultConfig, random: Random): Extract<Fault, { kind: K }>;
  settings: readonly FaultSetting[];
}

// A setting of one key stands in a list of settings of any key; each is only ever handed
// values of its own key (see resolveFaults and parseServeFlags).
const setting = <K extends SettingKey>(row: FaultSetting<K>) => row as unknown as FaultSetting;

const statuses = setting({
  key: "statuses",
  flag: "--error-status",
  arg: "<LIST>",
  help: "statuses an error is drawn from, e.g. 418",
  default: [500, 501, 502, 503],
  check(value, what) {
    if (value.length === 0) throw new RangeError(`${what} must name at least one status`);
    for (const status of value) {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new RangeError(`${what} must be error statuses from 400 to 599, got ${status}`);
      }
    }
  },
  show: (value) => value.join(","),
});

const delay = setting({
  key: "delay",
  flag: "--error-delay",
  arg: "<SECONDS|MIN:MAX>",
  help: "how long a delayed request waits",
  default: 0.5,
  check: checkDelay,
  show: delayText,
});

const hangTimeout = setting({
  key: "hangTimeout",
  flag: "--hang-timeout",
  arg: "<SECONDS>",
  help: "seconds before the server drops a request it never answers",
  default: 60,
  check(value, what) {
    checkDelay(value, what);
    if (value === 0) throw new RangeError(`${what} must be seconds > 0, got 0`);
  },
  show: String,
});

const throttleBytesPerSecond = setting({
  key: "throttleBytesPerSecond",
  flag: "--throttle-bps",
  arg: "<N>",
  help: "bytes per second of a throttled body",
  default: 2048,
  check(value, what) {
    if (!Number.isFinite(value) || value < 1) throw new RangeError(`${what} must be >= 1, got ${value}`);
  },
  show: String,
});

/** Every kind once; the draw tries them in this order. */
const TABLE: { [K in FaultKind]: Omit<FaultKindRow<K>, "kind"> } = {
  status: {
    rate: "statusRate",
    flag: "--error-rate",
    defaultRate: 0.25,
    help: "share of requests answered with an error status",
    phrase: (config) => `get ${orList(config.statuses)} with Connection: close`,
    draw: (config, random) => ({ kind: "status", status: pick(config.statuses, random) }),
    settings: [statuses],
  },
  delay: {
    rate: "delayRate",
    flag: "--delay-rate",
    defaultRate: 0.5,
    help: "share of requests delayed",
    phrase: (config) => `are delayed ${formatDelay(config.delay)}`,
    draw: (config, random) => ({ kind: "delay", ms: drawDelayMs(config.delay, random) }),
    settings: [delay],
  },
  reset: {
    rate: "resetRate",
    flag: "--reset-rate",
    defaultRate: 0,
    help: "share of connections reset without an answer",
    phrase: () => "have their connection reset",
    draw: () => ({ kind: "reset" }),
    settings: [],
  },
  hang: {
    rate: "hangRate",
    flag: "--hang-rate",
    defaultRate: 0,
    help: "share of requests never answered",
    phrase: (config) => `are never answered (dropped after ${config.hangTimeout} s)`,
    draw: (config) => ({ kind: "hang", ms: config.hangTimeout * 1000 }),
    settings: [hangTimeout],
  },
  truncate: {
    rate: "truncateRate",
    flag: "--truncate-rate",
    defaultRate: 0,
    help: "share of bodies cut short of their Content-Length",
    phrase: () => "get a truncated body",
    draw: () => ({ kind: "truncate" }),
    settings: [],
  },
  throttle: {
    rate: "throttleRate",
    flag: "--throttle-rate",
    defaultRate: 0,
    help: "share of bodies dripped slowly",
    phrase: (config) => `are throttled to ${config.throttleBytesPerSecond} bytes/s`,
    draw: (config) => ({ kind: "throttle", bytesPerSecond: config.throttleBytesPerSecond }),
    settings: [throttleBytesPerSecond],
  },
};

export const FAULT_KINDS: readonly FaultKindRow[] = Object.entries(TABLE).map(
  ([kind, row]) => ({ kind, ...row }) as FaultKindRow,
);

/** The 1st edition's chaos mix: 25% error statuses, 50% delayed, 25% untouched. */
export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.fromEntries(
  FAULT_KINDS.flatMap((row) => [[row.rate, row.defaultRate], ...row.settings.map((s) => [s.key, s.default])]),
) as FaultConfig;

/** A count of zero for every kind, in table order: the stats counters. */
export function zeroPerKind(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((row) => [row.kind, 0])) as Record<FaultKind, number>;
}

/**
 * The rate of every kind: a rate given stays as given; one not given takes its default, shrunk
 * to what the rates before it leave, so `statusRate: 1` alone means no delays. Each request
 * gets at most one fault, so rates given that add up to more than 1 are an error, of type
 * `Failure`, naming each given rate by `nameOf`.
 */
export function fillRates(
  given: Partial<Record<FaultKind, number>>,
  nameOf: (row: FaultKindRow) => string,
  Failure: new (message: string) => Error = RangeError,
): Record<FaultKind, number> {
  let total = 0;
  for (const row of FAULT_KINDS) {
    const rate = given[row.kind];
    if (rate === undefined) continue;
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Failure(`${nameOf(row)} must be a probability from 0 to 1, got ${rate}`);
    }
    total += rate;
  }
  if (total > 1 + 1e-9) {
    const shares = FAULT_KINDS.filter((row) => (given[row.kind] ?? 0) > 0).map(
      (row) => `${nameOf(row)} ${given[row.kind]}`,
    );
    throw new Failure(
      `${shares.join(" + ")} add up to ${round(total)}; at most 1 is possible, as a request gets one fault at most`,
    );
  }
  // Rounded to 12 places, so that 1 - 0.9 leaves 0.1, not 0.09999999999999998.
  let left = Math.max(0, Math.round((1 - total) * 1e12) / 1e12);
  const rates = zeroPerKind();
  for (const row of FAULT_KINDS) {
    const rate = given[row.kind] ?? Math.min(row.defaultRate, left);
    if (given[row.kind] === undefined) left = Math.round((left - rate) * 1e12) / 1e12;
    rates[row.kind] = rate;
  }
  return rates;
}

/** Fill in the defaults and check every value; throws RangeError on a bad one. */
export function resolveFaults(options: FaultOptions = {}): FaultConfig {
  const given: Partial<Record<FaultKind, number>> = {};
  for (const row of FAULT_KINDS) {
    const rate = options[row.rate];
    if (rate !== undefined) given[row.kind] = rate;
  }
  const rates = fillRates(given, (row) => `faults.${row.rate}`);
  const config: Record<string, unknown> = {};
  for (const row of FAULT_KINDS) {
    config[row.rate] = rates[row.kind];
    for (const s of row.settings) {
      const value = options[s.key] ?? s.default;
      s.check(value, `faults.${s.key}`);
      config[s.key] = value;
    }
  }
  return config as FaultConfig;
}

function pick(statuses: number[], random: Random): number {
  return statuses.length === 1 ? statuses[0]! : statuses[Math.floor(random() * statuses.length)]!;
}

function orList(statuses: number[]): string {
  if (statuses.length === 1) return `status ${statuses[0]}`;
  return `a random ${statuses.slice(0, -1).join(", ")} or ${statuses.at(-1)}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
