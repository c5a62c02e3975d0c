// Download one flag: GET it, retry transient failures with backoff, save it atomically.
//
// Thread and process pools import this module by reference (see download-task.ts), so it
// imports only what a download needs: not the library, whose pools a worker has no use for.
import { DEFAULT_BACKOFF, parseRetryAfter, pause, retryDelay, type BackoffOptions } from "./backoff.ts";
import type { FlagResult, RetryNote } from "./flag-result.ts";
import { FetchError, sharedClient, type HttpClient } from "./http-get.ts";
import { notGifReason } from "./gif-check.ts";
import { describeStatus } from "./http-status.ts";
import { saveFlag, type SaveError } from "./save-flag.ts";

export interface DownloadRequest {
  /** Base URL of the flags: a flag is `${baseUrl}/${cc}/${cc}.gif`, cc in lower case. */
  baseUrl: string;
  /** Folder the flags are saved in; it must exist. */
  dest: string;
  /** Milliseconds per HTTP request. */
  timeout: number;
  /** Retries after the first try, for transient failures only (curl's --retry N). */
  retries: number;
  overwrite: boolean;
  /** Tag of this run's temporary files (newTempTag()). */
  tempTag: string;
  /** Keep-alive connections this thread or process may open. */
  connections: number;
  backoff?: BackoffOptions | undefined;
  /** Largest flag accepted, in bytes (curl's --max-filesize); default DEFAULT_MAX_FILESIZE. */
  maxFileSize?: number | undefined;
}

export function flagUrl(baseUrl: string, cc: string): URL {
  const code = cc.toLowerCase();
  return new URL(`${baseUrl}/${code}/${code}.gif`);
}

/** Told of each failed attempt that will be retried, as it happens (for `-v`). */
export type RetryListener = (note: RetryNote) => void;

/**
 * Download and save the flag of `cc`. Throws only when `signal` aborts; everything else is a
 * result. A transient failure (see isTransient) is retried `request.retries` times after the
 * first try, with backoff; any other failure ends the code at once.
 */
export async function downloadFlag(
  cc: string,
  request: DownloadRequest,
  signal?: AbortSignal,
  client: HttpClient = sharedClient,
  onRetry?: RetryListener,
): Promise<FlagResult> {
  const started = performance.now();
  const url = flagUrl(request.baseUrl, cc);
  const backoff = request.backoff ?? DEFAULT_BACKOFF;
  const retries: RetryNote[] = [];
  let attempts = 0;
  const result = (status: FlagResult["status"], fields: Partial<FlagResult> = {}): FlagResult => ({
    cc,
    status,
    attempts,
    bytes: 0,
    elapsedMs: performance.now() - started,
    ...(retries.length > 0 && { retries }),
    ...fields,
  });
  for (;;) {
    signal?.throwIfAborted();
    attempts++;
    let failure: Failure;
    try {
      const { status, body, retryAfter, contentType } = await client.get(url, {
        timeout: request.timeout,
        signal,
        connections: request.connections,
        maxBodySize: request.maxFileSize,
      });
      if (status === 404) return result("not_found");
      // Not retried: the same server would send the same page again.
      const notGif = status === 200 ? notGifReason(body, contentType) : undefined;
      if (notGif) return result("error", { error: notGif });
      if (status === 200) return saved(cc, body, request, result);
      failure = { reason: describeStatus(status), transient: TRANSIENT_STATUSES.has(status), retryAfter };
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      failure = { reason: error.message, transient: error.transient };
    }
    if (!failure.transient || attempts > request.retries) return result("error", { error: failure.reason });
    const retryAfterMs = parseRetryAfter(failure.retryAfter);
    const waitMs = retryDelay(attempts - 1, retryAfterMs, backoff);
    if (waitMs === undefined) {
      const asked = `the server asked to retry after ${Math.round(retryAfterMs! / 1000)}s, longer than we wait`;
      return result("error", { error: `${failure.reason} (${asked})` });
    }
    const note: RetryNote = { cc, attempt: attempts, of: request.retries, reason: failure.reason, waitMs };
    retries.push(note);
    onRetry?.(note);
    await pause(waitMs, signal);
  }
}

interface Failure {
  reason: string;
  /** Worth another try. */
  transient: boolean;
  /** The Retry-After header of the response. */
  retryAfter?: string | undefined;
}

/**
 * Statuses worth another try, as curl's --retry has them: the request timed out (408), too
 * many requests (429), and server faults that pass (500, 502, 503, 504). 501, 400, 403 and
 * the other statuses say the request itself will never work.
 */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Save the body even when the run is being interrupted: the download is complete, and the
 * save is synchronous, so it is either done or not begun.
 */
function saved(
  cc: string,
  body: Buffer,
  request: DownloadRequest,
  result: (status: FlagResult["status"], fields?: Partial<FlagResult>) => FlagResult,
): FlagResult {
  try {
    const { kept, replaced } = saveFlag(request.dest, cc, body, request);
    return result("ok", {
      bytes: body.length,
      ...(kept && { existing: true }),
      ...(replaced && { replaced }),
    });
  } catch (error) {
    const { message, code } = error as SaveError;
    return result("error", { error: `cannot save: ${message}`, ...(code && { errno: code }) });
  }
}

/** Where pool workers import downloadFlag from. */
export const DOWNLOAD_MODULE_URL = import.meta.url;
