// A cap on the open connections of one listener, so idle sockets cannot use up the process's
// file descriptors and lock clients out. A connection over the cap closes the oldest idle
// connection (no request in progress: kept alive between requests, or still sending one), so
// a client that sends a request gets served; when every connection has a request in progress,
// the new connection is closed at once, which a client sees as a refusal it can retry.
import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Descriptors kept for everything but connections: the data set is in memory, so few. */
const RESERVED_DESCRIPTORS = 64;
const MIN_CAP = 16;
const MAX_CAP = 4096;

/** Each listener's share of the descriptors this process may open, from 16 to 4096. */
export function defaultMaxConnections(listeners: number): number {
  return capForLimit(listeners, readOpenFileLimit());
}

/** The share for a given limit on open files; 1024 when the limit is unknown. */
export function capForLimit(listeners: number, openFileLimit: number | undefined): number {
  if (openFileLimit === undefined) return 1024;
  const share = Math.floor((openFileLimit - RESERVED_DESCRIPTORS) / listeners);
  return Math.min(MAX_CAP, Math.max(MIN_CAP, share));
}

/** The soft limit on open files, where the system tells it (Linux); Node raises it to the hard one. */
function readOpenFileLimit(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((text) => text.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    const limit = Number(soft);
    return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}

export interface CapCounts {
  /** Idle connections closed to make room for a new one. */
  evicted: number;
  /** New connections closed because every connection was busy. */
  refused: number;
}

// The response each connection last started; the connection is busy until it is finished.
const RESPONSE = Symbol("last response");
type Tracked = Socket & { [RESPONSE]?: ServerResponse };

/** Hold `server` to `max` open connections, counting what the cap closes in `counts`. */
export function capConnections(server: Server, max: number, counts: CapCounts): void {
  // In order of arrival, so the first idle one found is the oldest.
  const open = new Set<Tracked>();
  server.on("connection", (socket: Tracked) => {
    if (open.size >= max) {
      const oldestIdle = findIdle(open);
      if (oldestIdle === undefined) {
        counts.refused++;
        socket.destroy();
        return;
      }
      counts.evicted++;
      open.delete(oldestIdle);
      oldestIdle.destroy();
    }
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  // One property per request, no listener: the cap costs the requests next to nothing.
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    (req.socket as Tracked)[RESPONSE] = res;
  });
}

/** The first connection without a response in progress: between requests, or still sending one. */
function findIdle(open: Set<Tracked>): Tracked | undefined {
  for (const socket of open) {
    const response = socket[RESPONSE];
    if (response === undefined || response.writableFinished) return socket;
  }
  return undefined;
}

export function checkMaxConnections(max: number, what: string): void {
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(`${what} must be a whole number >= 1, got ${max}`);
  }
}
