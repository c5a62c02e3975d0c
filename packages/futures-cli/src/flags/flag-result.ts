// What happened to one country code, and the tally of a whole run.

/** Only HTTP 404 is "not_found"; every other failure is an "error"; "cancelled" never ran to the end. */
export type FlagStatus = "ok" | "not_found" | "error" | "cancelled";

export interface FlagResult {
  cc: string;
  status: FlagStatus;
  /** Why it failed: "HTTP 503 Service Unavailable", "connection refused", "timed out after 5s", ... */
  error?: string;
  /** The file was already there, identical to what the server sent, and left untouched. */
  existing?: boolean;
  /** What was in the file's place and was replaced: "an empty file", "a symbolic link", ... */
  replaced?: string;
  /** For a save that failed: the system's error code (ENOSPC, EDQUOT, EISDIR, ...). */
  errno?: string;
  /** The failed attempts that were retried, in order. */
  retries?: RetryNote[];
  /** HTTP requests made for this code (retries included). */
  attempts: number;
  /** Bytes of the flag saved. */
  bytes: number;
  elapsedMs: number;
}

/** A failed attempt that is retried: `-v` prints one line for each. */
export interface RetryNote {
  cc: string;
  /** The attempt that failed: 1 for the first try. */
  attempt: number;
  /** Retries allowed (--retries N). */
  of: number;
  reason: string;
  /** Milliseconds waited before the next attempt. */
  waitMs: number;
}

export interface FlagCounts {
  ok: number;
  notFound: number;
  error: number;
  cancelled: number;
}

export function countResults(results: Iterable<FlagResult>): FlagCounts {
  const counts: FlagCounts = { ok: 0, notFound: 0, error: 0, cancelled: 0 };
  for (const { status } of results) {
    if (status === "ok") counts.ok++;
    else if (status === "not_found") counts.notFound++;
    else if (status === "error") counts.error++;
    else counts.cancelled++;
  }
  return counts;
}

/** A result for a code that never ran to the end. */
export function cancelledResult(cc: string): FlagResult {
  return { cc, status: "cancelled", attempts: 0, bytes: 0, elapsedMs: 0 };
}
