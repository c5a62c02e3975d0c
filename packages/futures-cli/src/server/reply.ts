// The answer a request gets before any fault: status, headers and body. Replies for the
// data set's files are prepared once (see data-set.ts), so serving one allocates nothing.
import { STATUS_CODES, type IncomingHttpHeaders } from "node:http";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Absent for HEAD and 304: the headers still tell the length a GET would get. */
  body?: Buffer;
}

/** The three replies a file can get: GET, HEAD, and 304 to a matching conditional request. */
export interface FileReplies {
  get: Reply;
  head: Reply;
  notModified: Reply;
  etag: string;
  /** Modification time in whole seconds, as If-Modified-Since compares it. */
  modifiedSeconds: number;
}

export function fileReplies(body: Buffer, contentType: string, etag: string, modified: Date): FileReplies {
  const modifiedSeconds = Math.floor(modified.getTime() / 1000);
  const lastModified = new Date(modifiedSeconds * 1000).toUTCString();
  const headers = {
    "Content-Type": contentType,
    "Content-Length": String(body.length),
    ETag: etag,
    "Last-Modified": lastModified,
  };
  return {
    get: { status: 200, headers, body },
    head: { status: 200, headers },
    notModified: { status: 304, headers: { ETag: etag, "Last-Modified": lastModified } },
    etag,
    modifiedSeconds,
  };
}

/** The reply a GET or HEAD for this file gets, honouring If-None-Match and If-Modified-Since. */
export function replyForFile(method: string, headers: IncomingHttpHeaders, file: FileReplies): Reply {
  if (isNotModified(headers, file)) return file.notModified;
  return method === "HEAD" ? file.head : file.get;
}

function isNotModified(headers: IncomingHttpHeaders, file: FileReplies): boolean {
  const ifNoneMatch = headers["if-none-match"];
  // When both are sent, If-None-Match decides (RFC 9110, 13.2.2).
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, file.etag);
  const ifModifiedSince = headers["if-modified-since"];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && file.modifiedSeconds <= Math.floor(since / 1000);
}

/** Weak comparison, as If-None-Match requires: W/"x" matches "x". */
function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** A short text/plain reply, like "404 Not Found". */
export function textReply(status: number, method: string, extraHeaders: Record<string, string> = {}): Reply {
  const text = `${status} ${STATUS_CODES[status] ?? "Error"}\n`;
  return bodyReply(status, method, "text/plain; charset=utf-8", Buffer.from(text), extraHeaders);
}

export function bodyReply(
  status: number,
  method: string,
  contentType: string,
  body: Buffer,
  extraHeaders: Record<string, string> = {},
): Reply {
  const headers = { "Content-Type": contentType, "Content-Length": String(body.length), ...extraHeaders };
  return method === "HEAD" ? { status, headers } : { status, headers, body };
}
