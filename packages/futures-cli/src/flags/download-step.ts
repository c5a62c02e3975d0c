// The download step as thread and process pools and `futures worker` run it: the arguments
// are checked first, whoever sent them. On a queue, anyone who can write to Redis may send
// a job, so a forged job must fail with a TypeError or RangeError that names the bad
// argument, never fetch from another scheme or write outside its destination folder.
//
// Pools import this module by reference (see download-task.ts), so it imports only what a
// download needs: not the library.
import { MAX_CONCURRENCY } from "../executors/catalogue.ts";
import type { BackoffOptions } from "./backoff.ts";
import { MAX_RETRIES, MAX_TIMER_MS } from "./defaults.ts";
import { downloadFlag, type DownloadRequest } from "./download-one.ts";
import type { FlagResult } from "./flag-result.ts";

/** A country code: two letters, nothing else (it becomes a file name and a URL path). */
export const COUNTRY_CODE = /^[A-Za-z]{2}$/;
/** A run's tag of temporary files (newTempTag()): it becomes part of a file name. */
const TEMP_TAG = /^[0-9A-Za-z-]{1,64}$/;
const MAX_URL_LENGTH = 2048;
const MAX_PATH_LENGTH = 4096;

/** Check and download: what the pools and queue workers run. */
export async function downloadCheckedFlag(cc: string, request: DownloadRequest): Promise<FlagResult> {
  return downloadFlag(cc, checkDownloadArguments(cc, request));
}

/** Where pool workers import downloadCheckedFlag from. */
export const DOWNLOAD_STEP_URL = import.meta.url;

/**
 * The request made only of its known fields, each checked; a TypeError for a wrong type, a
 * RangeError for a value out of range, naming the argument.
 */
export function checkDownloadArguments(cc: unknown, request: unknown): DownloadRequest {
  if (typeof cc !== "string") throw new TypeError(`cc must be a string, got ${describe(cc)}`);
  if (!COUNTRY_CODE.test(cc))
    throw new RangeError(`cc must be two letters, got ${JSON.stringify(cc.slice(0, 40))}`);
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new TypeError(`request must be an object, got ${describe(request)}`);
  }
  const r = request as Record<string, unknown>;
  return {
    baseUrl: checkBaseUrl(r.baseUrl),
    dest: checkDest(r.dest),
    timeout: checkNumber(r.timeout, "request.timeout", 1, MAX_TIMER_MS, false),
    retries: checkNumber(r.retries, "request.retries", 0, MAX_RETRIES, true),
    overwrite: checkBoolean(r.overwrite, "request.overwrite"),
    tempTag: checkTempTag(r.tempTag),
    connections: checkNumber(r.connections, "request.connections", 1, MAX_CONCURRENCY, true),
    backoff: checkBackoff(r.backoff),
  };
}

function checkBaseUrl(value: unknown): string {
  if (typeof value !== "string")
    throw new TypeError(`request.baseUrl must be a string, got ${describe(value)}`);
  if (value.length > MAX_URL_LENGTH) {
    throw new RangeError(`request.baseUrl must be at most ${MAX_URL_LENGTH} characters, got ${value.length}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError("request.baseUrl must be an http:// or https:// URL, got one that does not parse");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RangeError(`request.baseUrl must be an http:// or https:// URL, got a ${url.protocol} URL`);
  }
  return value;
}

function checkDest(value: unknown): string {
  if (typeof value !== "string") throw new TypeError(`request.dest must be a string, got ${describe(value)}`);
  if (value === "" || value.length > MAX_PATH_LENGTH || value.includes("\0")) {
    throw new RangeError(
      `request.dest must be a folder path of 1 to ${MAX_PATH_LENGTH} characters without NUL`,
    );
  }
  return value;
}

function checkTempTag(value: unknown): string {
  if (typeof value !== "string")
    throw new TypeError(`request.tempTag must be a string, got ${describe(value)}`);
  if (!TEMP_TAG.test(value)) {
    throw new RangeError("request.tempTag must be 1 to 64 letters, digits or '-'");
  }
  return value;
}

function checkBackoff(value: unknown): BackoffOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`request.backoff must be an object, got ${describe(value)}`);
  }
  const b = value as Record<string, unknown>;
  return {
    baseDelay: checkNumber(b.baseDelay, "request.backoff.baseDelay", 0, MAX_TIMER_MS, false),
    maxDelay: checkNumber(b.maxDelay, "request.backoff.maxDelay", 0, MAX_TIMER_MS, false),
    maxRetryAfter:
      b.maxRetryAfter === undefined
        ? undefined
        : checkNumber(b.maxRetryAfter, "request.backoff.maxRetryAfter", 0, MAX_TIMER_MS, false),
  };
}

function checkNumber(value: unknown, what: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `${what} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}

/** A value's kind, never its content (which a forged job chose). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
