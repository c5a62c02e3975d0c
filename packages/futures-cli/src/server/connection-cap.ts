// A cap on the open connections of one listener, so idle sockets cannot use up the process's
// file descriptors and lock clients out. A connection over the cap closes the connection idle
// the longest (no request in progress: kept alive between requests, or still sending one), so
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

/** Hold `server` to `max` open connections, counting what the cap closes in `counts`. */
export function capConnections(server: Server, max: number, counts: CapCounts): void {
  // Sets keep insertion order: the first idle socket is the one idle the longest.
  const idle = new Set<Socket>();
  const inFlight = new Map<Socket, number>();

  server.on("connection", (socket: Socket) => {
    if (idle.size + inFlight.size >= max) {
      const oldest = idle.values().next();
      if (oldest.done) {
        counts.refused++;
        socket.destroy();
        return;
      }
      counts.evicted++;
      idle.delete(oldest.value);
      oldest.value.destroy();
    }
    idle.add(socket);
    socket.once("close", () => {
      idle.delete(socket);
      inFlight.delete(socket);
    });
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (socket.destroyed) return;
    idle.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) return void inFlight.set(socket, left);
      inFlight.delete(socket);
      if (!socket.destroyed) idle.add(socket); // re-added last: idle since now
    });
  });
}

export function checkMaxConnections(max: number, what: string): void {
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(`${what} must be a whole number >= 1, got ${max}`);
  }
}
