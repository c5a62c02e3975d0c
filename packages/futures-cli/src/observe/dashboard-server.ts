// The dashboards' server, on 127.0.0.1 only: the page at /, its updates at /events as
// server-sent events (on a clock, or as the source publishes, then a last one that says it is
// over). Requests naming another host are refused, so that a web page elsewhere cannot read
// the dashboard through a DNS name pointed at 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a dashboard shows: its page, and the updates the page reads. */
export interface DashboardSource {
  page: string;
  /** Everything, for a page that just connected. */
  snapshot(): object;
  /** What changed since the last tick. */
  tick(): object;
}

const TICK_MS = 250;
/** A page this far behind in reading its updates is dropped rather than buffered for. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class DashboardServer {
  readonly #server: Server;
  readonly #source: DashboardSource;
  readonly #pages = new Set<ServerResponse>();
  readonly #timer: NodeJS.Timeout | undefined;
  #port = 0;
  #noPages: (() => void) | undefined;

  private constructor(source: DashboardSource, tickMs: number | undefined) {
    this.#source = source;
    this.#server = createServer((request, response) => this.#handle(request, response));
    if (tickMs !== undefined) {
      this.#timer = setInterval(() => this.publish(), tickMs);
      this.#timer.unref();
    }
  }

  /**
   * Listening on 127.0.0.1:port (0: a free port), or an Error of one sentence. Pages get an
   * update every `tickMs`; with `null`, at each publish() only.
   */
  static async start(
    source: DashboardSource,
    port: number,
    tickMs: number | null = TICK_MS,
  ): Promise<DashboardServer> {
    const dashboard = new DashboardServer(source, tickMs ?? undefined);
    await new Promise<void>((resolve, reject) => {
      dashboard.#server.once("error", (error: NodeJS.ErrnoException) => {
        clearInterval(dashboard.#timer);
        const why = error.code === "EADDRINUSE" ? "the port is in use" : error.message;
        reject(new Error(`cannot serve the dashboard on 127.0.0.1:${port}: ${why}`));
      });
      dashboard.#server.listen(port, "127.0.0.1", resolve);
    });
    dashboard.#port = (dashboard.#server.address() as AddressInfo).port;
    return dashboard;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/`;
  }

  /** Pages connected now. */
  get pages(): number {
    return this.#pages.size;
  }

  /** Send every page what changed since the last update. */
  publish(): void {
    this.#send(this.#source.tick());
  }

  /** The run is over: every page gets the last update, which says so. */
  finish(): void {
    clearInterval(this.#timer);
    this.publish();
  }

  /** Resolves once no page is connected (a page closes its stream when told the run is over). */
  whenNoPages(): Promise<void> {
    if (this.#pages.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#noPages = resolve));
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const page of this.#pages) page.end();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const host = request.headers.host ?? "";
    if (host !== `127.0.0.1:${this.#port}` && host !== `localhost:${this.#port}`) {
      response.writeHead(403, { "content-type": "text/plain" }).end("forbidden: unknown host\n");
      return;
    }
    if (request.method !== "GET") {
      response.writeHead(405, { allow: "GET", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    const path = request.url?.split("?")[0];
    if (path === "/") {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      response.end(this.#source.page);
    } else if (path === "/events") {
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      this.#pages.add(response);
      response.on("close", () => {
        this.#pages.delete(response);
        if (this.#pages.size === 0) this.#noPages?.();
      });
      this.#write(response, this.#source.snapshot());
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  }

  #send(update: object): void {
    for (const page of this.#pages) this.#write(page, update);
  }

  #write(page: ServerResponse, update: object): void {
    if (page.writableLength > MAX_BUFFERED_BYTES) page.destroy();
    else page.write(`data: ${JSON.stringify(update)}\n\n`);
  }
}
