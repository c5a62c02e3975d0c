// Download one flag: GET it, retry errors (never a 404) with backoff, save it atomically.
//
// Thread and process pools import this module by reference (see download-task.ts), so it
// imports only what a download needs: not the library, whose pools a worker has no use for.
import { DEFAULT_BACKOFF, backoffDelay, pause, type BackoffOptions } from "./backoff.ts";
import type { FlagResult } from "./flag-result.ts";
import { FetchError, sharedClient, type HttpClient } from "./http-get.ts";
import { describeStatus } from "./http-status.ts";
import { saveFlag } from "./save-flag.ts";

export interface DownloadRequest {
  /** Base URL of the flags: a flag is `${baseUrl}/${cc}/${cc}.gif`, cc in lower case. */
  baseUrl: string;
  /** Folder the flags are saved in; it must exist. */
  dest: string;
  /** Milliseconds per HTTP request. */
  timeout: number;
  /** How many times an error is retried (404 never is). */
  retries: number;
  overwrite: boolean;
  /** Tag of this run's temporary files (newTempTag()). */
  tempTag: string;
  /** Keep-alive connections this thread or process may open. */
  connections: number;
  backoff?: BackoffOptions | undefined;
}

export function flagUrl(baseUrl: string, cc: string): URL {
  const code = cc.toLowerCase();
  return new URL(`${baseUrl}/${code}/${code}.gif`);
}

/** Download and save the flag of `cc`. Throws only when `signal` aborts; everything else is a result. */
export async function downloadFlag(
  cc: string,
  request: DownloadRequest,
  signal?: AbortSignal,
  client: HttpClient = sharedClient,
): Promise<FlagResult> {
  const started = performance.now();
  const url = flagUrl(request.baseUrl, cc);
  let attempts = 0;
  const result = (status: FlagResult["status"], fields: Partial<FlagResult> = {}): FlagResult => ({
    cc,
    status,
    attempts,
    bytes: 0,
    elapsedMs: performance.now() - started,
    ...fields,
  });
  for (;;) {
    signal?.throwIfAborted();
    attempts++;
    let reason: string;
    try {
      const { status, body } = await client.get(url, {
        timeout: request.timeout,
        signal,
        connections: request.connections,
      });
      if (status === 404) return result("not_found");
      if (status === 200) return await saved(cc, body, request, signal, result);
      reason = describeStatus(status);
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      reason = error.message;
    }
    if (attempts > request.retries) return result("error", { error: reason });
    await pause(backoffDelay(attempts - 1, request.backoff ?? DEFAULT_BACKOFF), signal);
  }
}

async function saved(
  cc: string,
  body: Buffer,
  request: DownloadRequest,
  signal: AbortSignal | undefined,
  result: (status: FlagResult["status"], fields?: Partial<FlagResult>) => FlagResult,
): Promise<FlagResult> {
  try {
    const outcome = await saveFlag(request.dest, cc, body, { ...request, signal });
    return result("ok", { bytes: body.length, ...(outcome === "existing" && { existing: true }) });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return result("error", { error: `cannot save: ${(error as Error).message}` });
  }
}

/** Where pool workers import downloadFlag from. */
export const DOWNLOAD_MODULE_URL = import.meta.url;
