// One keep-alive HTTP/1.1 connection that sends GET requests and parses the responses:
// status line, headers, and a body delimited by Content-Length, chunked encoding or the end
// of the connection.
//
// Why not node:http: its client spends about 0.13 ms of CPU per request on a cold process
// (streams, events, header objects), four times what a local flag server needs to answer,
// so a 676-code download spent most of its time in the client. This does the one thing
// the downloader needs, a GET and its whole body, with a plain buffer and no streams.
import type { Socket } from "node:net";

export interface RawResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
  /** The connection can carry another request. */
  reusable: boolean;
}

/** The connection failed or the response is malformed; `code` is the socket's error code, if any. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const MAX_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

type BodyMode = "length" | "chunked" | "until-close";

interface Exchange {
  resolve(response: RawResponse): void;
  reject(error: Error): void;
  status: number;
  headers: Map<string, string> | undefined;
  keepAlive: boolean;
  mode: BodyMode;
  /** Bytes left in the body ("length") or in the current chunk ("chunked"). */
  remaining: number;
  chunkPhase: "size" | "data" | "crlf" | "trailers";
  parts: Buffer[];
  received: number;
}

export class Http1Connection {
  readonly #socket: Socket;
  #buffer: Buffer = EMPTY;
  #exchange: Exchange | undefined;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("end", () => this.#onEnd(undefined));
    socket.on("error", (error: NodeJS.ErrnoException) => this.#onEnd(error));
    socket.on("close", () => this.#onEnd(undefined));
  }

  /** Closed by either side: it cannot take another request. */
  get closed(): boolean {
    return this.#closed;
  }

  /** GET `path`; one request at a time. */
  get(path: string, host: string): Promise<RawResponse> {
    if (this.#exchange) return Promise.reject(new Error("a request is already in flight on this connection"));
    if (this.#closed) return Promise.reject(new ConnectionError("connection closed", "ECONNRESET"));
    return new Promise((resolve, reject) => {
      this.#exchange = {
        resolve,
        reject,
        status: 0,
        headers: undefined,
        keepAlive: true,
        mode: "length",
        remaining: 0,
        chunkPhase: "size",
        parts: [],
        received: 0,
      };
      this.#socket.ref();
      this.#socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: */*\r\nUser-Agent: futures-flags\r\n\r\n`,
      );
    });
  }

  /** Idle connections must not keep the process alive. */
  unref(): void {
    this.#socket.unref();
  }

  destroy(error?: Error): void {
    this.#closed = true;
    this.#socket.destroy(error);
  }

  #onData(chunk: Buffer): void {
    const exchange = this.#exchange;
    if (!exchange) {
      this.destroy(); // bytes nobody asked for: the connection cannot be trusted
      return;
    }
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    try {
      this.#parse(exchange);
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  #parse(exchange: Exchange): void {
    while (this.#exchange === exchange) {
      if (!exchange.headers) {
        if (!this.#parseHead(exchange)) return;
      } else if (exchange.mode === "length") {
        this.#take(exchange, exchange.remaining);
        if (exchange.remaining > 0) return;
        this.#complete(exchange);
      } else if (exchange.mode === "chunked") {
        if (!this.#parseChunked(exchange)) return;
      } else {
        this.#take(exchange, this.#buffer.length);
        return; // the body ends with the connection
      }
    }
  }

  /** Parse the status line and headers; false when more bytes are needed. */
  #parseHead(exchange: Exchange): boolean {
    const end = this.#buffer.indexOf(HEAD_END);
    if (end < 0) {
      if (this.#buffer.length > MAX_HEAD_BYTES) throw new ConnectionError("response head too large");
      return false;
    }
    const lines = this.#buffer.toString("latin1", 0, end).split("\r\n");
    this.#buffer = this.#buffer.subarray(end + HEAD_END.length);
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!statusLine)
      throw new ConnectionError(`malformed status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const status = Number(statusLine[2]);
    if (status >= 100 && status < 200) return true; // interim response: the real one follows
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0)
        throw new ConnectionError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers.get(name);
      headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
    const connection = headers.get("connection")?.toLowerCase() ?? "";
    exchange.keepAlive =
      statusLine[1] === "1" ? !connection.includes("close") : connection.includes("keep-alive");
    exchange.status = status;
    exchange.headers = headers;
    const length = headers.get("content-length");
    if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
      exchange.mode = "chunked";
    } else if (status === 204 || status === 304) {
      exchange.mode = "length";
      exchange.remaining = 0;
    } else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new ConnectionError(`malformed Content-Length: ${length}`);
      exchange.mode = "length";
      exchange.remaining = Number(length);
    } else {
      exchange.mode = "until-close";
      exchange.keepAlive = false;
    }
    return true;
  }

  /** Advance through chunked encoding; false when more bytes are needed. */
  #parseChunked(exchange: Exchange): boolean {
    for (;;) {
      if (exchange.chunkPhase === "data") {
        this.#take(exchange, exchange.remaining);
        if (exchange.remaining > 0) return false;
        exchange.chunkPhase = "crlf";
      }
      const lineEnd = this.#buffer.indexOf(CRLF);
      if (lineEnd < 0) {
        if (this.#buffer.length > MAX_HEAD_BYTES) throw new ConnectionError("chunk header too large");
        return false;
      }
      const line = this.#buffer.toString("latin1", 0, lineEnd);
      this.#buffer = this.#buffer.subarray(lineEnd + CRLF.length);
      if (exchange.chunkPhase === "crlf") {
        if (line !== "") throw new ConnectionError("malformed chunk: no CRLF after the data");
        exchange.chunkPhase = "size";
      } else if (exchange.chunkPhase === "size") {
        const size = /^([0-9a-fA-F]+)\s*(;.*)?$/.exec(line);
        if (!size) throw new ConnectionError(`malformed chunk size: ${JSON.stringify(line.slice(0, 40))}`);
        exchange.remaining = parseInt(size[1]!, 16);
        exchange.chunkPhase = exchange.remaining === 0 ? "trailers" : "data";
      } else if (line === "") {
        this.#complete(exchange); // the empty line after the trailers ends the body
        return true;
      }
    }
  }

  /** Move up to `wanted` bytes of the buffer into the body. */
  #take(exchange: Exchange, wanted: number): void {
    const size = Math.min(wanted, this.#buffer.length);
    if (size === 0) return;
    exchange.parts.push(size === this.#buffer.length ? this.#buffer : this.#buffer.subarray(0, size));
    this.#buffer = size === this.#buffer.length ? EMPTY : this.#buffer.subarray(size);
    exchange.received += size;
    exchange.remaining -= size;
  }

  #complete(exchange: Exchange): void {
    this.#exchange = undefined;
    // Bytes beyond the response were never asked for: do not reuse such a connection.
    const reusable = exchange.keepAlive && !this.#closed && this.#buffer.length === 0;
    if (!reusable) this.destroy();
    const body =
      exchange.parts.length === 1 ? exchange.parts[0]! : Buffer.concat(exchange.parts, exchange.received);
    exchange.resolve({ status: exchange.status, headers: exchange.headers!, body, reusable });
  }

  #onEnd(error: NodeJS.ErrnoException | undefined): void {
    this.#closed = true;
    const exchange = this.#exchange;
    if (!exchange) return;
    if (exchange.headers && exchange.mode === "until-close" && !error) {
      this.#complete(exchange);
      return;
    }
    this.#fail(this.#endError(exchange, error));
  }

  #endError(exchange: Exchange, error: NodeJS.ErrnoException | undefined): ConnectionError {
    if (exchange.headers) {
      const expected = exchange.mode === "length" ? ` of ${exchange.received + exchange.remaining}` : "";
      return new ConnectionError(`truncated body: got ${exchange.received}${expected} bytes`, "TRUNCATED");
    }
    if (error?.code === "ECONNRESET") return new ConnectionError("connection reset", error.code);
    if (error) return new ConnectionError(error.message, error.code);
    return new ConnectionError("connection closed before the response", "ECONNRESET");
  }

  #fail(error: Error): void {
    const exchange = this.#exchange;
    this.#exchange = undefined;
    this.destroy();
    exchange?.reject(error);
  }
}
