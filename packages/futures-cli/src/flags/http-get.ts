// GET one URL with undici over keep-alive connections, with a deadline, an AbortSignal,
// redirects followed, and an honest account of what went wrong.
//
// Connections are pooled per origin and sized to the caller's concurrency; idle connections
// never keep the process alive (undici unrefs an idle socket).
import type { IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import type { Agent, Dispatcher, buildConnector } from "undici";
import { whenAborted } from "./shared-abort.ts";

export interface HttpClientOptions {
  /** How connections are opened: TLS options such as `{ ca }` to trust a private authority. */
  connect?: buildConnector.BuildOptions | undefined;
}

export interface GetOptions {
  /** Milliseconds for each exchange: waiting for a connection, request, headers and body. */
  timeout: number;
  signal?: AbortSignal | undefined;
  /** Keep-alive connections per origin: the concurrency of the caller. */
  connections: number;
}

export interface HttpResponse {
  status: number;
  /** The body of a 200; empty for other statuses. */
  body: Buffer;
  /** The Retry-After header, if any (for a 429 or a 503). */
  retryAfter?: string | undefined;
}

/** A failed exchange; `message` is what the user sees ("connection refused"). */
export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    message: string,
    /** True when nothing answered at all: the server is down or the host unknown. */
    readonly unreachable = false,
    /** True when trying again may work (refused, reset, timed out, truncated), as curl's --retry judges. */
    readonly transient = false,
  ) {
    super(message);
  }
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const EMPTY = Buffer.alloc(0);
const REQUEST_HEADERS = { accept: "*/*", "user-agent": "futures-flags" };

/**
 * GETs over keep-alive connections pooled per origin. Each client owns its connections, so
 * that closing one client at the end of a run leaves other runs alone.
 */
export class HttpClient {
  /** One undici Agent (a pool per origin) for each number of connections asked for. */
  readonly #agents = new Map<number, Agent>();
  readonly #connect: buildConnector.BuildOptions | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.#connect = options.connect;
  }

  /** GET `url`, following redirects; rejects with FetchError, or the signal's reason. */
  async get(url: URL, options: GetOptions): Promise<HttpResponse> {
    const agent = this.#agentFor(options.connections);
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const { status, headers, body } = await exchange(agent, target, options);
      const location = headers.location;
      if (REDIRECTS.has(status) && typeof location === "string" && redirects < MAX_REDIRECTS) {
        target = new URL(location, target);
        continue;
      }
      const retryAfter = headers["retry-after"];
      return {
        status,
        body: status === 200 ? body : EMPTY,
        ...(typeof retryAfter === "string" && { retryAfter }),
      };
    }
  }

  /** Close every connection, idle or not, so the process can exit at once. */
  close(): void {
    for (const agent of this.#agents.values()) void agent.destroy();
    this.#agents.clear();
  }

  #agentFor(connections: number): Agent {
    const AgentClass = loadAgent();
    let agent = this.#agents.get(connections);
    if (!agent) {
      agent = new AgentClass({
        connections,
        pipelining: 1,
        connect: this.#connect,
        // The deadline of each exchange covers connecting, headers and body: no other timers.
        connectTimeout: 0,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#agents.set(connections, agent);
    }
    return agent;
  }
}

/**
 * The client of this thread or process, for downloads that are not given one: those a pool
 * worker runs. Its idle connections do not keep the worker alive.
 */
export const sharedClient = new HttpClient();

// undici loads with the first request, so that `futures` starts without it. Only its Agent
// module: the package's index also loads fetch, WebSocket, caching and mocks, which more
// than triples the cost of the import (about 25 ms against 85 ms). The package has no
// "exports" map, so the path is reachable; should it move, the index still works. undici is
// CommonJS: required rather than imported, which spares Node parsing the module a second time
// to find its named exports (about 3 ms).
const require = createRequire(import.meta.url);
let agentClass: typeof Agent | undefined;

function loadAgent(): typeof Agent {
  if (agentClass) return agentClass;
  keepWasmOnLiftoff();
  try {
    // A literal path, which the bundle of `futures flags` follows (scripts/bundle-flags.mjs).
    agentClass = require("undici/lib/dispatcher/agent.js") as typeof Agent;
  } catch {
    agentClass = (require("undici") as typeof import("undici")).Agent;
  }
  return agentClass;
}

/**
 * undici parses responses with llhttp compiled to WebAssembly. V8 first compiles it with its
 * baseline compiler (Liftoff), then re-optimizes hot functions with TurboFan on a background
 * thread, and a process cannot exit before that job ends: 150 ms after the last download,
 * for a parser that a run of a few hundred responses never needs faster. The flag must be set
 * before the parser is compiled (at the first connection); V8 flags are per process, so it
 * also covers pool threads, and each pool process sets it as it loads undici.
 */
function keepWasmOnLiftoff(): void {
  setFlagsFromString("--liftoff-only");
}

function exchange(agent: Agent, url: URL, { timeout, signal }: GetOptions): Promise<RawResponse> {
  signal?.throwIfAborted();
  return new Promise<RawResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let stopped: Error | undefined;
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    let received = 0;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      stopListening?.();
      return true;
    };
    // Stop the exchange: undici drops the request, or closes its connection if it was sent.
    const stop = (reason: unknown): void => {
      if (!settle()) return;
      stopped = reason instanceof Error ? reason : new Error(String(reason));
      controller?.abort(stopped);
      reject(reason);
    };
    const timer = setTimeout(
      () => stop(new FetchError(`timed out after ${timeout / 1000}s`, false, true)),
      timeout,
    );
    const stopListening = signal && whenAborted(signal, () => stop(signal.reason));
    agent.dispatch(
      { origin: url.origin, path: `${url.pathname}${url.search}`, method: "GET", headers: REQUEST_HEADERS },
      {
        onRequestStart(started) {
          controller = started;
          if (stopped) started.abort(stopped); // stopped while waiting for a connection
        },
        onResponseStart(_, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders;
        },
        onResponseData(_, chunk) {
          parts.push(chunk);
          received += chunk.length;
        },
        onResponseEnd() {
          if (!settle()) return;
          const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, received);
          resolve({ status, headers, body });
        },
        onResponseError(_, error) {
          if (!settle()) return;
          const begun = status >= 200 ? { received, length: headers["content-length"] } : undefined;
          reject(describe(error, begun));
        },
      },
    );
  });
}

/** A FetchError for an error of undici or the socket; `body` once the response has begun. */
function describe(
  error: Error,
  body: { received: number; length: string | undefined } | undefined,
): FetchError {
  const { code } = error as NodeJS.ErrnoException;
  if (
    body &&
    (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH")
  ) {
    const expected = body.length === undefined ? "" : ` of ${body.length}`;
    return new FetchError(`truncated body: got ${body.received}${expected} bytes`, false, true);
  }
  // "Response does not match the HTTP/1.1 protocol (Invalid character in chunk size)"
  if (error.name === "HTTPParserError")
    return new FetchError(`malformed response (${/\((.*)\)$/.exec(error.message)?.[1] ?? error.message})`);
  switch (code) {
    case "ECONNREFUSED":
      return new FetchError("connection refused", true, true);
    case "ENOTFOUND":
      return new FetchError(`host not found (${code})`, true);
    case "EAI_AGAIN": // the name server did not answer: it may next time
      return new FetchError(`host not found (${code})`, true, true);
    case "ECONNRESET":
      return new FetchError("connection reset", false, true);
    case "UND_ERR_SOCKET":
      // Or "bad response": bytes nobody asked for, or a 100 Continue to a request without Expect.
      return error.message === "other side closed"
        ? new FetchError("connection closed before the response", false, true)
        : new FetchError(error.message);
    case "EPIPE":
      return new FetchError("connection closed while sending the request", false, true);
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new FetchError(`${error.message} (${code})`, false, true);
    default:
      return new FetchError(code ? `${error.message} (${code})` : error.message);
  }
}
