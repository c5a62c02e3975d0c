// Defaults shared by the command line and the library.

/** Where flags are saved unless told otherwise. */
export const DEFAULT_DEST = "downloads";

/** Milliseconds allowed per request: a few seconds, as in the book (3.1 s there). */
export const DEFAULT_TIMEOUT_MS = 5000;
