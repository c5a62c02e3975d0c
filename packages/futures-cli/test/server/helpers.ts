// Small clients for the server tests: plain HTTP requests, and raw bytes over a socket for
// request lines no HTTP client would send as written.
import { request, type Agent, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request; rejects on a socket error (reset, truncated body, ...). */
export function fetchRaw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? "GET",
      headers: options.headers,
      agent: options.agent,
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("response aborted")));
      res.on("end", () => {
        if (!res.complete) return reject(new Error("response incomplete"));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}

export interface RawAnswer {
  /** Everything the server sent before it closed the connection. */
  text: string;
  /** Status of the first response line, or 0 if none came. */
  status: number;
}

/** Send `lines` as written (joined with CRLF, then a blank line) and read until the server closes. */
export function rawRequest(port: number, lines: string[], timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {}); // a reset still ends in "close" below
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ text, status });
    });
    socket.write(lines.join("\r\n") + "\r\n\r\n", "latin1");
  });
}

export { freePort, sleep, timer } from "../helpers/net.ts";
