// Reason phrases, so that an error reads "HTTP 503 Service Unavailable". The table is
// node:http's: undici loads node:http anyway, so it costs the downloader nothing more.
import { STATUS_CODES } from "node:http";

/** "HTTP 503 Service Unavailable", or "HTTP 599" for a status without a known phrase. */
export function describeStatus(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
}
