// Sending a reply, as is or spoiled by a fault, and counting how each request ended. Every
// wait is a timer (never a blocking call), tracked so closing the server cancels it at once
// and counts what it cut off.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Fault } from "./fault-kinds.ts";
import { closedOverPipelining } from "./pipelining-limit.ts";
import { textReply, type Reply } from "./reply.ts";
import type { StatsCounter } from "./stats.ts";

/** Timers of replies still to come, so close() can cancel them all. */
export class PendingTimers {
  /** Each pending timer, with what to count if the listener stops before it fires. */
  readonly #timers = new Map<NodeJS.Timeout, () => void>();

  after(ms: number, run: () => void, onStop: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.set(timer, onStop);
    return timer;
  }

  /** Cancel `timer`; true when it was still pending (it had neither fired nor been stopped). */
  cancel(timer: NodeJS.Timeout | undefined): boolean {
    if (timer === undefined || !this.#timers.delete(timer)) return false;
    clearTimeout(timer);
    return true;
  }

  /** The listener stops: cancel every pending timer and count what each cut off. */
  stop(): void {
    for (const [timer, onStop] of this.#timers) {
      clearTimeout(timer);
      onStop();
    }
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
      return waitThen(res, fault.ms, counter, timers, () => send(res, reply, counter));
    case "status":
      // Connection: close, as the 1st edition's chaos proxy did: the client must reconnect.
      return send(res, textReply(fault.status, req.method ?? "GET", { Connection: "close" }), counter);
    case "reset":
      counter.unanswered.reset++;
      req.socket.resetAndDestroy();
      return;
    case "hang":
      // Never answer; drop the connection after the deadline, so hung requests cannot pile
      // up and hold the listener's connections for as long as their clients wait.
      return waitThen(res, fault.ms, counter, timers, () => {
        counter.unanswered.dropped++;
        req.socket.destroy();
      });
    case "truncate":
      return sendTruncated(res, reply, counter);
    case "throttle":
      return sendThrottled(res, reply, fault.bytesPerSecond, counter, timers);
    default:
      return fault satisfies never;
  }
}

/**
 * Keep the request waiting for `ms`, then `answer` it; a client that gives up first frees its
 * timer. Counted as waiting until then, and as closed by the client, dropped with a connection
 * that pipelined too many, or cut off by the stop when one of them comes first.
 */
function waitThen(
  res: ServerResponse,
  ms: number,
  counter: StatsCounter,
  timers: PendingTimers,
  answer: () => void,
): void {
  counter.waiting++;
  const timer = timers.after(
    ms,
    () => {
      counter.waiting--;
      answer();
    },
    () => {
      counter.waiting--;
      counter.unanswered.stopped++;
    },
  );
  onConnectionGone(res, () => {
    if (!timers.cancel(timer)) return;
    counter.waiting--;
    if (closedOverPipelining(res.req.socket)) counter.unanswered.overPipelined++;
    else counter.unanswered.clientClosed++;
  });
}

/**
 * Run `then` once the request is over: its response finished, or its connection closed first
 * (a timer still pending tells). Watched on the request: Node emits "close" on a response only
 * once it is the one being written, never on the pipelined ones queued behind it, while it
 * destroys every request still unanswered with its connection.
 */
function onConnectionGone(res: ServerResponse, then: () => void): void {
  res.req.once("close", then);
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
    timer = timers.after(tickMs, step, () => counter.cutShort.byStop++);
  };
  // Closed while a chunk is still to come: the client left before the end of the body.
  onConnectionGone(res, () => {
    if (timers.cancel(timer)) counter.cutShort.byClient++;
  });
  step();
}
