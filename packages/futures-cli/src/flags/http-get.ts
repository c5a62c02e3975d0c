// GET one URL with undici over keep-alive connections, with a deadline, an AbortSignal,
// redirects followed (at most 10), a body-size cap, and an honest account of what went wrong.
//
// Connections are pooled per origin and sized to the caller's concurrency; idle connections
// never keep the process alive (undici unrefs an idle socket).
import type { IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import type { Agent, Dispatcher, buildConnector } from "undici";
import { printable } from "../common/printable.ts";
import { DEFAULT_MAX_FILESIZE } from "./defaults.ts";
import { FetchError, describe } from "./fetch-error.ts";
import { whenAborted } from "./shared-abort.ts";
import { TrackedConnector } from "./tracked-connector.ts";

export { FetchError };

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
  /**
   * Largest body of a 200 kept, in bytes (curl's --max-filesize; default 1 MiB): a larger
   * one fails at its Content-Length, or as soon as it passes the cap, and its connection is
   * closed. Never more than this is held.
   */
  maxBodySize?: number | undefined;
}

export interface HttpResponse {
  status: number;
  /** The body of a 200; empty for other statuses. */
  body: Buffer;
  /** The Retry-After header, if any (for a 429 or a 503). */
  retryAfter?: string | undefined;
  /** The Content-Type header, if any. */
  contentType?: string | undefined;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Redirects followed before "too many redirects" (curl's --max-redirs; a flag needs one at most). */
export const MAX_REDIRECTS = 10;
/** How long after an exchange's deadline a connection still being made is ended: its own error comes first. */
const CONNECTION_GRACE_MS = 1000;
/**
 * The body of another status than 200 is never kept: up to this many bytes are read and
 * dropped, so that its connection stays usable; past it, the status is taken and the
 * connection closed.
 */
const DISCARDED_BODY_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const REQUEST_HEADERS = { accept: "*/*", "user-agent": "futures-flags" };

/**
 * GETs over keep-alive connections pooled per origin. Each client owns its connections, so
 * that closing one client at the end of a run leaves other runs alone.
 */
export class HttpClient {
  /** One undici Agent (a pool per origin) for each number of connections and deadline asked for. */
  readonly #agents = new Map<string, Agent>();
  readonly #connect: buildConnector.BuildOptions | undefined;
  readonly #connector = new TrackedConnector();

  constructor(options: HttpClientOptions = {}) {
    this.#connect = options.connect;
  }

  /** GET `url`, following redirects; rejects with FetchError, or the signal's reason. */
  async get(url: URL, options: GetOptions): Promise<HttpResponse> {
    const cap = options.maxBodySize;
    if (cap !== undefined && !(cap >= 1)) throw new RangeError(`maxBodySize must be 1 or more, got ${cap}`);
    const agent = this.#agentFor(options.connections, options.timeout);
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const { status, headers, body } = await exchange(agent, target, options);
      const location = headers.location;
      if (REDIRECTS.has(status) && typeof location === "string") {
        if (redirects >= MAX_REDIRECTS)
          throw new FetchError(`too many redirects (more than ${MAX_REDIRECTS})`);
        target = redirectTarget(location, target);
        continue;
      }
      const retryAfter = headers["retry-after"];
      const contentType = headers["content-type"];
      return {
        status,
        body,
        ...(typeof retryAfter === "string" && { retryAfter }),
        ...(typeof contentType === "string" && { contentType }),
      };
    }
  }

  /** Close every connection, idle or not, so the process can exit at once. */
  close(): void {
    for (const agent of this.#agents.values()) void agent.destroy();
    this.#agents.clear();
    this.#connector.destroyAll();
  }

  #agentFor(connections: number, timeout: number): Agent {
    const AgentClass = loadAgent();
    const key = `${connections} ${timeout}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new AgentClass({
        connections,
        pipelining: 1,
        // The deadline of each exchange covers connecting, headers and body; a connection
        // still being made when it passes is ended a little later, freeing its place.
        connect: this.#connector.build({ ...this.#connect, timeout: timeout + CONNECTION_GRACE_MS }),
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#agents.set(key, agent);
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
  try {
    // A literal path, which the bundle of `futures flags` follows (scripts/bundle-flags.mjs).
    agentClass = require("undici/lib/dispatcher/agent.js") as typeof Agent;
  } catch {
    agentClass = (require("undici") as typeof import("undici")).Agent;
  }
  // After undici and the Node modules it loads: see keepWasmOnLiftoff.
  keepWasmOnLiftoff();
  return agentClass;
}

/**
 * undici parses responses with llhttp compiled to WebAssembly. V8 first compiles it with its
 * baseline compiler (Liftoff), then re-optimizes hot functions with TurboFan on a background
 * thread, and a process cannot exit before that job ends: 150 ms after the last download,
 * for a parser that a run of a few hundred responses never needs faster. The flag must be set
 * before the parser is compiled (at the first connection); V8 flags are per process, so it
 * also covers pool threads, and each pool process sets it as it loads undici. V8 checks
 * cached code against its flags, Node's cache of its own modules too: a Node module loaded
 * after this is compiled from its source (node:http and the modules it loads took 80 million
 * instructions more of a 20-flag run), so the flag comes after the modules a download loads.
 */
function keepWasmOnLiftoff(): void {
  setFlagsFromString("--liftoff-only");
}

/** Where a redirect leads: an http(s) URL, or a FetchError naming the target, escaped (the server chose it). */
function redirectTarget(location: string, from: URL): URL {
  const target = URL.canParse(location, from.href) ? new URL(location, from) : undefined;
  if (target?.protocol === "http:" || target?.protocol === "https:") return target;
  throw new FetchError(`bad redirect to '${printable(location, 100)}'`);
}

/** The message of a body over the cap: curl's "Maximum file size exceeded", with the numbers. */
function tooLarge(cap: number, contentLength?: number): string {
  return contentLength === undefined
    ? `maximum file size exceeded: more than ${cap} bytes`
    : `maximum file size exceeded: Content-Length ${contentLength} is more than ${cap} bytes`;
}

function exchange(
  agent: Agent,
  url: URL,
  { timeout, signal, maxBodySize = DEFAULT_MAX_FILESIZE }: GetOptions,
): Promise<RawResponse> {
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
    // The response is taken without the rest of its body, whose connection is then closed.
    const cutShort = (): void => {
      if (!settle()) return;
      controller?.abort(new Error("body discarded"));
      resolve({ status, headers, body: EMPTY });
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
          const length = Number(headers["content-length"]);
          if (status === 200 && length > maxBodySize) stop(new FetchError(tooLarge(maxBodySize, length)));
        },
        onResponseData(_, chunk) {
          if (settled) return;
          received += chunk.length;
          if (status !== 200) {
            if (received > DISCARDED_BODY_LIMIT) cutShort();
          } else if (received > maxBodySize) stop(new FetchError(tooLarge(maxBodySize)));
          else parts.push(chunk);
        },
        onResponseEnd() {
          if (!settle()) return;
          const body =
            status !== 200 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts, received);
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
