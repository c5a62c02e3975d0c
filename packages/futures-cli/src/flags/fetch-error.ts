// What went wrong with an HTTP exchange, in the user's words: FetchError, and the reading of
// undici's and the socket's errors ("connection refused", "truncated body: got 3 of 10 bytes").

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

/** A FetchError for an error of undici or the socket; `body` once the response has begun. */
export function describe(
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
