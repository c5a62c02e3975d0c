// One listener: an HTTP server with one behaviour (LOCAL, DELAY or ERROR) over the shared
// in-memory data set. Flag requests are counted and may be spoiled; the server's own pages (/,
// /stats, the icon) are neither, and the flags the index page loads draw from a stream of
// their own, counted nowhere, so a person looking never shifts a seeded run's sequence.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { DataSet } from "./data-set.ts";
import { capConnections } from "./connection-cap.ts";
import { drawDelayMs } from "./delay.ts";
import { deliver, PendingTimers, send } from "./deliver.ts";
import type { Behaviour } from "./describe.ts";
import { NO_FAULT, type Fault } from "./fault-kinds.ts";
import { drawFault } from "./faults.ts";
import { indexPage } from "./index-page.ts";
import type { ListenerLabel } from "./options.ts";
import type { Random } from "./random.ts";
import { bodyReply, replyForFile, textReply, type Reply } from "./reply.ts";
import { limitPipelining } from "./pipelining-limit.ts";
import { parseTarget } from "./request-target.ts";
import { prefersHtml, statsJson, statsPage } from "./stats-page.ts";
import { snapshotAll, StatsCounter } from "./stats.ts";

export interface ListenerSetup {
  behaviour: Behaviour;
  data: DataSet;
  /** Every listener's counter, for /stats; this listener adds its own. */
  counters: Map<ListenerLabel, StatsCounter>;
  /** The draws of flag requests: the sequence a seed repeats. */
  random: Random;
  /** The draws of the flags the index page loads. */
  pageRandom: Random;
  seed: number;
  /** Open connections this listener holds at most. */
  maxConnections: number;
}

/** Listening failed, typically because the port is taken. */
export class ListenError extends Error {
  override name = "ListenError";
  constructor(
    readonly label: ListenerLabel,
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`${label} cannot listen on ${formatHostPort(host, port)}: ${reason}`);
  }
}

const ALLOW = { Allow: "GET, HEAD" };
// The counts change with every request, and the page differs by Accept.
const STATS_HEADERS = { "Cache-Control": "no-store", Vary: "Accept" };
// A downloader opening 1000 connections at once (-m 1000) should be queued, not dropped.
const BACKLOG = 1024;

export class Listener {
  readonly label: ListenerLabel;
  readonly server: Server;
  readonly #timers = new PendingTimers();
  #closing: Promise<void> | undefined;

  constructor({ behaviour, data, counters, random, pageRandom, seed, maxConnections }: ListenerSetup) {
    this.label = behaviour.label;
    const counter = new StatsCounter();
    counters.set(this.label, counter);
    const timers = this.#timers;
    const files = data.files;
    const flagRequests: Requests = { draw: faultDrawer(behaviour, random), counter };
    const pageRequests: Requests = { draw: faultDrawer(behaviour, pageRandom), counter: new StatsCounter() };
    // Made when first asked for: it names every flag, which a data set read on demand has
    // not read yet.
    let pages: Record<"GET" | "HEAD", Reply> | undefined;
    const indexReply = (method: "GET" | "HEAD"): Reply => {
      if (!pages) {
        const page = indexPage(behaviour, data, seed);
        pages = {
          GET: bodyReply(200, "GET", "text/html; charset=utf-8", page),
          HEAD: bodyReply(200, "HEAD", "text/html; charset=utf-8", page),
        };
      }
      return pages[method];
    };

    const answer = (req: IncomingMessage, res: ServerResponse, reply: Reply, requests = flagRequests) => {
      const fault = requests.draw();
      if (fault.kind !== "none") requests.counter.faults[fault.kind]++;
      deliver(fault, req, res, reply, requests.counter, timers);
    };

    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? "/";
      const method = req.method ?? "GET";
      // Fast path: an exact flag path, the case a downloader sends thousands of times.
      const file = files.get(url);
      if (file !== undefined && (method === "GET" || method === "HEAD")) {
        counter.requests++;
        return answer(req, res, replyForFile(method, req.headers, file));
      }
      const target = parseTarget(url);
      if (target.kind === "index" || target.kind === "stats" || target.kind === "icon") {
        if (method !== "GET" && method !== "HEAD") return send(res, textReply(405, method, ALLOW));
        if (target.kind === "index") return send(res, indexReply(method));
        if (target.kind === "icon") return send(res, textReply(404, method));
        const stats = snapshotAll(counters);
        const reply = prefersHtml(req.headers.accept)
          ? bodyReply(200, method, "text/html; charset=utf-8", statsPage(stats), STATS_HEADERS)
          : bodyReply(200, method, "application/json", statsJson(stats), STATS_HEADERS);
        return send(res, reply);
      }
      const requests = target.kind === "file" && target.forPage ? pageRequests : flagRequests;
      requests.counter.requests++;
      if (target.kind === "bad") return answer(req, res, textReply(target.status, method), requests);
      if (method !== "GET" && method !== "HEAD") {
        return answer(req, res, textReply(405, method, ALLOW), requests);
      }
      const found = files.get(target.path);
      const reply = found ? replyForFile(method, req.headers, found) : textReply(404, method);
      answer(req, res, reply, requests);
    };

    this.server = createServer(limitPipelining(handle, counter.connections));
    // Downloaders reuse connections across a run; drop idle ones after a while, never busy ones
    // (a request fully received is not timed out: a hung one has a deadline of its own).
    this.server.keepAliveTimeout = 10_000;
    this.server.headersTimeout = 15_000;
    this.server.requestTimeout = 30_000;
    capConnections(this.server, maxConnections, counter.connections);
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(new ListenError(this.label, host, port, error.code, reasonOf(error)));
      };
      this.server.once("error", onError);
      this.server.listen({ host, port, backlog: BACKLOG }, () => {
        this.server.off("error", onError);
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      });
    });
  }

  /** Stop listening, cancel pending replies and destroy every socket, hung ones included. */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.#timers.stop();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.#closing;
  }
}

/** One kind of request: where its faults are drawn from and where it is counted. */
interface Requests {
  draw: () => Fault;
  counter: StatsCounter;
}

function faultDrawer(behaviour: Behaviour, random: Random): () => Fault {
  switch (behaviour.label) {
    case "LOCAL":
      return () => NO_FAULT;
    case "DELAY": {
      const delay = behaviour.delay;
      return () => ({ kind: "delay", ms: drawDelayMs(delay, random) });
    }
    case "ERROR": {
      const faults = behaviour.faults;
      return () => drawFault(faults, random);
    }
  }
}

function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EADDRINUSE":
      return "address already in use";
    case "EACCES":
      return "permission denied";
    case "EADDRNOTAVAIL":
      return "address not available on this machine";
    default:
      return error.message;
  }
}
