// A bound on the requests in flight on one connection: received, their response not finished.
// Node's parser turns a whole chunk of pipelined requests into requests at once, so a client
// that writes thousands in one go and never reads the answers would have the server hold every
// response (and, on DELAY, a timer for each): memory grows without bound, whatever the cap on
// connections. A connection over the bound is destroyed at once, with the requests it queued;
// Node still parses the rest of the read (at most 64 KiB of requests), which is dropped unhandled.
// node:http's maxRequestsPerSocket does not do this: it answers each extra request with a 503,
// which builds a response per request all the same.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * Far more than a client pipelines in practice (browsers do not pipeline, curl no longer
 * does), far fewer than the thousands of requests one write can carry.
 */
export const MAX_REQUESTS_IN_FLIGHT = 64;

export interface PipeliningCounts {
  /** Connections closed for having more than MAX_REQUESTS_IN_FLIGHT requests in flight. */
  overPipelined: number;
}

const IN_FLIGHT = Symbol("requests in flight");
const OVER_LIMIT = Symbol("closed over the pipelining limit");
type Counted = Socket & { [IN_FLIGHT]?: number; [OVER_LIMIT]?: true };

/** `handle`, for at most MAX_REQUESTS_IN_FLIGHT requests in flight per connection; a connection over it is closed. */
export function limitPipelining(handle: RequestListener, counts: PipeliningCounts): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as Counted;
    // The rest of the read, which the parser still turns into requests after the close.
    if (socket.destroyed) return;
    const inFlight = (socket[IN_FLIGHT] ?? 0) + 1;
    if (inFlight > MAX_REQUESTS_IN_FLIGHT) {
      socket[OVER_LIMIT] = true;
      counts.overPipelined++;
      socket.destroy();
      return;
    }
    socket[IN_FLIGHT] = inFlight;
    res.once("finish", () => socket[IN_FLIGHT]!--);
    handle(req, res);
  };
}

/** True when the server closed `socket` for pipelining too many requests. */
export function closedOverPipelining(socket: Socket): boolean {
  return (socket as Counted)[OVER_LIMIT] === true;
}
