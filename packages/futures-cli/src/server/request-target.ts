// What a request line asks for. Targets that are malformed or try to climb out of the data
// folder are refused with 400 before any lookup, even though lookups only ever consult the
// in-memory Map: a traversal attempt deserves a clear answer, not a quiet 404.

/**
 * The query the index page adds to the flags it loads, so that the listener can tell them from
 * a downloader's requests: they draw from a stream of their own and are not counted, and a
 * seeded run repeats whatever a browser opened before.
 */
export const PAGE_QUERY = "from=page";

export type Target =
  | { kind: "index" }
  | { kind: "stats" }
  /** /favicon.ico, which browsers ask for with every page. */
  | { kind: "icon" }
  | { kind: "file"; path: string; forPage: boolean }
  | { kind: "bad"; status: 400 | 414; reason: string };

/** Longer request targets get 414; the flag paths are about 25 characters. */
const MAX_TARGET_LENGTH = 1024;

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

export function parseTarget(url: string): Target {
  if (url.length > MAX_TARGET_LENGTH) return bad(414, "request target too long");
  // A client may send the absolute form (http://host/path); only the path matters here.
  let path = url.replace(ABSOLUTE_FORM, "");
  if (path === "") path = "/";
  const mark = path.indexOf("?");
  const query = mark === -1 ? "" : path.slice(mark + 1);
  if (mark !== -1) path = path.slice(0, mark);
  if (!path.startsWith("/")) return bad(400, "request target must start with /");
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return bad(400, "bad percent-encoding");
  }
  if (decoded.includes("\0")) return bad(400, "NUL byte in path");
  if (decoded.includes("\\")) return bad(400, "backslash in path");
  if (decoded.split("/").some((segment) => segment === "." || segment === "..")) {
    return bad(400, "dot segment in path");
  }
  if (decoded === "/") return { kind: "index" };
  if (decoded === "/stats") return { kind: "stats" };
  if (decoded === "/favicon.ico") return { kind: "icon" };
  return { kind: "file", path: decoded, forPage: query === PAGE_QUERY };
}

function bad(status: 400 | 414, reason: string): Target {
  return { kind: "bad", status, reason };
}
