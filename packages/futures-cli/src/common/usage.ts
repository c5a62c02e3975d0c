// A bad command line: reported as one line plus usage, exit status 2, never a stack trace.
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parse a whole number in [min, max] from a command-line string, or throw UsageError. */
export function parseInteger(text: string, what: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${what} must be a whole number ${range}, got '${text}'`);
  }
  return value;
}

/** Parse a non-negative number of seconds, or throw UsageError. */
export function parseSeconds(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${what} must be a number of seconds >= 0, got '${text}'`);
  }
  return value;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer one would fire at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Seconds in (0, 2147483] as milliseconds, or a UsageError that states the range. */
export function parseTimerSeconds(text: string, what: string): number {
  const seconds = Number(text);
  if (text.trim() === "" || !(seconds > 0 && seconds <= MAX_TIMER_SECONDS)) {
    throw new UsageError(
      `${what} must be a number of seconds more than 0 and at most ${MAX_TIMER_SECONDS}, got '${text}'`,
    );
  }
  return seconds * 1000;
}
