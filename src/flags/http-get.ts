// GET one URL over keep-alive connections, with a deadline, an AbortSignal, redirects
// followed, and an honest account of what went wrong.
//
// Connections are pooled per origin and sized to the caller's concurrency; idle connections
// never keep the process alive.
import { connect as netConnect, isIP, type Socket } from "node:net";
import { ConnectionError, Http1Connection, type RawResponse } from "./http1-connection.ts";

export interface GetOptions {
  /** Milliseconds for each exchange: connection, request, headers and body. */
  timeout: number;
  signal?: AbortSignal | undefined;
  /** Keep-alive connections per origin: the concurrency of the caller. */
  connections: number;
}

export interface HttpResponse {
  status: number;
  /** The body of a 200; empty for other statuses. */
  body: Buffer;
}

/** A failed exchange; `message` is what the user sees ("connection refused"). */
export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    message: string,
    /** True when nothing answered at all: the server is down or the host unknown. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const EMPTY = Buffer.alloc(0);

/**
 * GETs over keep-alive connections pooled per origin. Each client owns its connections, so
 * that closing one client at the end of a run leaves other runs alone.
 */
export class HttpClient {
  readonly #pools = new Map<string, OriginPool>();

  /** GET `url`, following redirects; rejects with FetchError, or the signal's reason. */
  async get(url: URL, options: GetOptions): Promise<HttpResponse> {
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const { status, headers, body } = await exchange(
        this.#poolFor(target, options.connections),
        target,
        options,
      );
      const location = headers.get("location");
      if (REDIRECTS.has(status) && location && redirects < MAX_REDIRECTS) {
        target = new URL(location, target);
        continue;
      }
      return { status, body: status === 200 ? body : EMPTY };
    }
  }

  /** Close every connection, idle or not, so the process can exit at once. */
  close(): void {
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
  }

  #poolFor(url: URL, connections: number): OriginPool {
    const key = `${url.origin} ${connections}`;
    let pool = this.#pools.get(key);
    if (!pool) this.#pools.set(key, (pool = new OriginPool(new URL(url.origin), connections)));
    return pool;
  }
}

/**
 * The client of this thread or process, for downloads that are not given one: those a pool
 * worker runs. Its idle connections do not keep the worker alive.
 */
export const sharedClient = new HttpClient();

function exchange(pool: OriginPool, url: URL, { timeout, signal }: GetOptions): Promise<RawResponse> {
  signal?.throwIfAborted();
  return new Promise<RawResponse>((resolve, reject) => {
    let connection: Http1Connection | undefined;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const fail = (error: unknown): void => {
      if (!settle()) return;
      if (connection) pool.release(connection, false);
      reject(error);
    };
    const onAbort = (): void => fail(signal!.reason);
    const timer = setTimeout(() => fail(new FetchError(`timed out after ${timeout / 1000}s`)), timeout);
    signal?.addEventListener("abort", onAbort, { once: true });
    pool.acquire().then(
      (acquired) => {
        if (settled) {
          pool.release(acquired, !acquired.closed);
          return;
        }
        connection = acquired;
        acquired.get(`${url.pathname}${url.search}`, url.host).then(
          (response) => {
            if (!settle()) return;
            pool.release(acquired, response.reusable);
            resolve(response);
          },
          (error: unknown) => fail(describe(error)),
        );
      },
      (error: unknown) => fail(describe(error)),
    );
  });
}

/** Keep-alive connections to one origin, at most `max` of them. */
class OriginPool {
  readonly #idle: Http1Connection[] = [];
  readonly #waiting: ((connection: Promise<Http1Connection>) => void)[] = [];
  readonly #sockets = new Set<Socket>();
  #open = 0;

  constructor(
    readonly url: URL,
    readonly max: number,
  ) {}

  acquire(): Promise<Http1Connection> {
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (!idle.closed) return Promise.resolve(idle);
      this.#open--; // closed by the server while idle
    }
    if (this.#open < this.max) return this.#connect();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(connection: Http1Connection, reusable: boolean): void {
    if (!reusable || connection.closed) {
      connection.destroy();
      this.#open--;
      const waiter = this.#waiting.shift();
      if (waiter) waiter(this.#connect());
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(Promise.resolve(connection));
    else {
      connection.unref();
      this.#idle.push(connection);
    }
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#idle.length = 0;
  }

  async #connect(): Promise<Http1Connection> {
    this.#open++;
    try {
      const socket = await openSocket(this.url);
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
      return new Http1Connection(socket);
    } catch (error) {
      this.#open--;
      const waiter = this.#waiting.shift();
      if (waiter) waiter(this.#connect());
      throw error;
    }
  }
}

async function openSocket(origin: URL): Promise<Socket> {
  const secure = origin.protocol === "https:";
  const host = origin.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(origin.port) || (secure ? 443 : 80);
  let socket: Socket;
  if (secure) {
    const tls = await import("node:tls");
    const servername = isIP(host) ? undefined : host;
    socket = tls.connect({ host, port, servername, ALPNProtocols: ["http/1.1"] });
  } else {
    socket = netConnect({ host, port });
  }
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once(secure ? "secureConnect" : "connect", () => {
      socket.off("error", reject);
      resolve();
    });
    socket.once("error", reject);
  });
  return socket;
}

function describe(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof ConnectionError) return new FetchError(error.message);
  const { code } = error as NodeJS.ErrnoException;
  switch (code) {
    case "ECONNREFUSED":
      return new FetchError("connection refused", true);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new FetchError(`host not found (${code})`, true);
    case "ECONNRESET":
      return new FetchError("connection reset");
    case "EPIPE":
      return new FetchError("connection closed while sending the request");
    default:
      return new FetchError(code ? `${error.message} (${code})` : error.message);
  }
}
