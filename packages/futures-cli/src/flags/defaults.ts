// Defaults shared by the command line and the library.

/** Where flags are saved unless told otherwise. */
export const DEFAULT_DEST = "downloads";

/** Milliseconds allowed per request: a few seconds, as in the book (3.1 s there). */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Largest flag accepted, in bytes (curl's --max-filesize): 1 MiB, about 40 times the largest
 * flag of the book's set (24 KB), and small enough that a hostile server streaming to every
 * connection at once holds at most concurrency x 1 MiB.
 */
export const DEFAULT_MAX_FILESIZE = 1024 * 1024;

/** Retries after the first try, at most: --retries and a download task's arguments. */
export const MAX_RETRIES = 100;

/** The longest wait a timer can hold (2^31 - 1 ms): a request's timeout or a backoff delay. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
