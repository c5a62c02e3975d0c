// Options of the flag server, their defaults, and the checks that turn a bad value into a
// RangeError before any socket is opened. The ERROR listener's faults are described, with
// their defaults, in fault-kinds.ts.
import { checkDelay, type Delay } from "./delay.ts";

export { checkDelay, type Delay };

/** The three behaviours of the book's flag servers. */
export type ListenerLabel = "LOCAL" | "DELAY" | "ERROR";
export const LISTENER_LABELS: readonly ListenerLabel[] = ["LOCAL", "DELAY", "ERROR"];

/**
 * What the ERROR listener injects. Each flag request draws exactly one outcome: one of the
 * faults below with its rate (a probability), or no fault with the remaining probability,
 * so the rates given must add up to at most 1. A rate not given takes its default, shrunk to
 * what the given rates leave. The defaults are the 1st edition's chaos mix: 25% error
 * statuses, 50% delayed, 25% untouched.
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
  /** Share of requests never answered (default 0). */
  hangRate?: number;
  /** Seconds after which the server drops the connection of a request it never answers (default 60). */
  hangTimeout?: number;
  /** Share of requests whose body stops halfway, short of its Content-Length, and the socket is ended (default 0). */
  truncateRate?: number;
  /** Share of requests whose body is dripped at `throttleBytesPerSecond` (default 0). */
  throttleRate?: number;
  /** Bandwidth of a throttled body, bytes per second (default 2048). */
  throttleBytesPerSecond?: number;
}

/** FaultOptions with every default filled in. */
export type FaultConfig = Required<FaultOptions>;

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
  /**
   * Open connections each listener holds at most (default: a share of the file descriptors
   * this process may open, from 16 to 4096). Over the cap a new connection closes the oldest
   * idle one, or is closed at once when every connection has a request in progress.
   */
  maxConnections?: number;
  /**
   * Read each file of the data set the first time it is asked for, instead of all at start
   * (default false): a server that serves a few flags starts faster.
   */
  readOnDemand?: boolean;
}

export const DEFAULT_PORTS: Readonly<Record<ListenerLabel, number>> = {
  LOCAL: 8001,
  DELAY: 8002,
  ERROR: 8003,
};

/**
 * Environment variables that move a listener off its default port, for `futures serve` and
 * `futures flags` alike, so that both agree where LOCAL, DELAY and ERROR are.
 */
export const PORT_ENV: Readonly<Record<ListenerLabel, string>> = {
  LOCAL: "FUTURES_LOCAL_PORT",
  DELAY: "FUTURES_DELAY_PORT",
  ERROR: "FUTURES_ERROR_PORT",
};

/** The port of a listener: its variable in `env` when set, else its default; RangeError when bad. */
export function listenerPort(label: ListenerLabel, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[PORT_ENV[label]];
  if (text === undefined || text === "") return DEFAULT_PORTS[label];
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${PORT_ENV[label]} must be a port number from 1 to 65535, got '${text}'`);
  }
  return port;
}

export const DEFAULT_DELAY: Delay = 0.5;

export function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${what} must be a port from 0 to 65535, got ${port}`);
  }
}
