// Sending a reply, as is or spoiled by a fault. Every wait is a timer (never a blocking
// call), tracked so closing the server cancels it at once.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Fault } from "./fault-kinds.ts";
import { textReply, type Reply } from "./reply.ts";
import type { StatsCounter } from "./stats.ts";

/** Timers of replies still to come, so close() can cancel them all. */
export class PendingTimers {
  readonly #timers = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

export function send(res: ServerResponse, reply: Reply, counter?: StatsCounter): void {
  counter?.countStatus(reply.status);
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

/** Deliver `reply` as `fault` says. The fault is already counted; the status is counted here. */
export function deliver(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  counter: StatsCounter,
  timers: PendingTimers,
): void {
  switch (fault.kind) {
    case "none":
      return send(res, reply, counter);
    case "delay":
      return sendLater(res, reply, fault.ms, counter, timers);
    case "status":
      // Connection: close, as the 1st edition's chaos proxy did: the client must reconnect.
      return send(res, textReply(fault.status, req.method ?? "GET", { Connection: "close" }), counter);
    case "reset":
      req.socket.resetAndDestroy();
      return;
    case "hang":
      // Never answer; drop the connection after the deadline, so hung requests cannot pile
      // up and hold the listener's connections for as long as their clients wait.
      return dropLater(req, res, fault.ms, timers);
    case "truncate":
      return sendTruncated(res, reply, counter);
    case "throttle":
      return sendThrottled(res, reply, fault.bytesPerSecond, counter, timers);
    default:
      return fault satisfies never;
  }
}

function sendLater(
  res: ServerResponse,
  reply: Reply,
  ms: number,
  counter: StatsCounter,
  timers: PendingTimers,
): void {
  const timer = timers.after(ms, () => send(res, reply, counter));
  // A client that gives up first frees its timer.
  res.once("close", () => timers.cancel(timer));
}

function dropLater(req: IncomingMessage, res: ServerResponse, ms: number, timers: PendingTimers): void {
  const timer = timers.after(ms, () => req.socket.destroy());
  res.once("close", () => timers.cancel(timer));
}

/** Promise the whole Content-Length, send half the body, then end the connection. */
function sendTruncated(res: ServerResponse, reply: Reply, counter: StatsCounter): void {
  counter.countStatus(reply.status);
  res.writeHead(reply.status, reply.headers);
  const body = reply.body;
  if (body === undefined || body.length < 2) res.flushHeaders();
  else res.write(body.subarray(0, Math.floor(body.length / 2)));
  res.socket?.end();
}

/** Drip the body at `bytesPerSecond`: a chunk every tick of at least 100 ms. */
function sendThrottled(
  res: ServerResponse,
  reply: Reply,
  bytesPerSecond: number,
  counter: StatsCounter,
  timers: PendingTimers,
): void {
  counter.countStatus(reply.status);
  res.writeHead(reply.status, reply.headers);
  const body = reply.body;
  if (body === undefined) return void res.end();
  const chunkSize = Math.max(1, Math.floor(bytesPerSecond / 10));
  const tickMs = (chunkSize * 1000) / bytesPerSecond;
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    const end = Math.min(offset + chunkSize, body.length);
    if (end === body.length) return void res.end(body.subarray(offset));
    res.write(body.subarray(offset, end));
    offset = end;
    timer = timers.after(tickMs, step);
  };
  res.once("close", () => timers.cancel(timer));
  step();
}
