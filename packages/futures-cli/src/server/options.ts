// Options of the flag server, their defaults, and the checks that turn a bad value into a
// RangeError before any socket is opened.

/** The three behaviours of the book's flag servers. */
export type ListenerLabel = "LOCAL" | "DELAY" | "ERROR";
export const LISTENER_LABELS: readonly ListenerLabel[] = ["LOCAL", "DELAY", "ERROR"];

/** Seconds: a fixed time, or a time drawn uniformly from [min, max] for each request. */
export type Delay = number | { min: number; max: number };

/**
 * What the ERROR listener injects. Each flag request draws exactly one outcome: one of the
 * faults below with its rate (a probability), or no fault with the remaining probability,
 * so the rates must add up to at most 1. The defaults are the 1st edition's chaos mix:
 * 25% error statuses, 50% delayed, 25% untouched.
 */
export interface FaultOptions {
  /** Share of requests answered with an error status and `Connection: close` (default 0.25). */
  statusRate?: number;
  /** Statuses an error is drawn from, uniformly (default 500, 501, 502, 503; 418 as in the 2nd edition). */
  statuses?: number[];
  /** Share of requests answered normally after a delay (default 0.5). */
  delayRate?: number;
  /** How long a delayed request waits (default 0.5 s). */
  delay?: Delay;
  /** Share of requests whose connection is reset (TCP RST) without an answer (default 0). */
  resetRate?: number;
  /** Share of requests never answered; the socket stays open until the client gives up (default 0). */
  hangRate?: number;
  /** Share of requests whose body stops halfway, short of its Content-Length, and the socket is ended (default 0). */
  truncateRate?: number;
  /** Share of requests whose body is dripped at `throttleBytesPerSecond` (default 0). */
  throttleRate?: number;
  /** Bandwidth of a throttled body, bytes per second (default 2048). */
  throttleBytesPerSecond?: number;
}

export interface FlagServerOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port of each listener (defaults 8001, 8002, 8003); 0 picks a free ephemeral port. */
  ports?: Partial<Record<ListenerLabel, number>>;
  /** Start only these listeners (default all three). */
  only?: ListenerLabel[];
  /** Folder with the book's layout, flags/{cc}/{cc}.gif (default the package's data/ folder). */
  dataDir?: string | URL;
  /** The DELAY listener's delay (default 0.5 s). */
  delay?: Delay;
  /** The ERROR listener's faults. */
  faults?: FaultOptions;
  /** Seed of the fault and delay draws, for a repeatable sequence (default a random one). */
  seed?: number;
}

/** FaultOptions with every default filled in. */
export type FaultConfig = Required<FaultOptions>;

export const DEFAULT_PORTS: Record<ListenerLabel, number> = { LOCAL: 8001, DELAY: 8002, ERROR: 8003 };
export const DEFAULT_DELAY: Delay = 0.5;
export const DEFAULT_FAULTS: FaultConfig = {
  statusRate: 0.25,
  statuses: [500, 501, 502, 503],
  delayRate: 0.5,
  delay: 0.5,
  resetRate: 0,
  hangRate: 0,
  truncateRate: 0,
  throttleRate: 0,
  throttleBytesPerSecond: 2048,
};

const RATE_NAMES = [
  "statusRate",
  "delayRate",
  "resetRate",
  "hangRate",
  "truncateRate",
  "throttleRate",
] as const satisfies readonly (keyof FaultOptions)[];

/** Fill in the defaults and check every value; throws RangeError on a bad one. */
export function resolveFaults(options: FaultOptions = {}): FaultConfig {
  const config: FaultConfig = { ...DEFAULT_FAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  for (const name of RATE_NAMES) checkRate(config[name], `faults.${name}`);
  const total = RATE_NAMES.reduce((sum, name) => sum + config[name], 0);
  if (total > 1 + 1e-9) {
    const shares = RATE_NAMES.filter((name) => config[name] > 0).map((name) => `${name} ${config[name]}`);
    throw new RangeError(
      `fault rates add up to ${round(total)} (${shares.join(" + ")}); at most 1 is possible`,
    );
  }
  if (config.statuses.length === 0) throw new RangeError("faults.statuses must name at least one status");
  for (const status of config.statuses) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`faults.statuses must be error statuses from 400 to 599, got ${status}`);
    }
  }
  checkDelay(config.delay, "faults.delay");
  const bps = config.throttleBytesPerSecond;
  if (!Number.isFinite(bps) || bps < 1) {
    throw new RangeError(`faults.throttleBytesPerSecond must be >= 1, got ${bps}`);
  }
  return config;
}

export function checkDelay(delay: Delay, what: string): void {
  const [min, max] = typeof delay === "number" ? [delay, delay] : [delay.min, delay.max];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new RangeError(
      `${what} must be seconds >= 0 (MIN <= MAX for a range), got ${JSON.stringify(delay)}`,
    );
  }
}

export function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${what} must be a port from 0 to 65535, got ${port}`);
  }
}

function checkRate(rate: number, what: string): void {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`${what} must be a probability from 0 to 1, got ${rate}`);
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
