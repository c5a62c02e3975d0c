// Values of `futures serve` options, from command-line text; every bad value is a UsageError
// that names the option.
import { parseInteger, parseSeconds, UsageError } from "../common/usage.ts";
import { MAX_DELAY_SECONDS, type Delay } from "../server/delay.ts";

/** SECONDS or MIN:MAX, as the 2nd edition's `--delay 0.5:5`. */
export function parseDelay(text: string, what: string): Delay {
  const parts = text.split(":");
  if (parts.length === 1) return parseTimerSeconds(text, what);
  if (parts.length !== 2) throw new UsageError(`${what} must be SECONDS or MIN:MAX, got '${text}'`);
  const min = parseTimerSeconds(parts[0]!, `${what} MIN`);
  const max = parseTimerSeconds(parts[1]!, `${what} MAX`);
  if (max < min) throw new UsageError(`${what} MIN:MAX needs MIN <= MAX, got '${text}'`);
  return { min, max };
}

export function parseRate(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`${what} must be a probability from 0 to 1 (0.25 for 25%), got '${text}'`);
  }
  return value;
}

/** A comma-separated list of error statuses: 418, or 500,501,502,503. */
export function parseStatuses(text: string, what: string): number[] {
  return text.split(",").map((part) => parseInteger(part.trim(), what, 400, 599));
}

/** A number of seconds greater than 0 that a timer can wait. */
export function parsePositiveSeconds(text: string, what: string): number {
  const value = parseTimerSeconds(text, what);
  if (value === 0) throw new UsageError(`${what} must be a number of seconds > 0, got '${text}'`);
  return value;
}

/** Seconds >= 0, at most what a timer can wait (about 24 days). */
function parseTimerSeconds(text: string, what: string): number {
  const value = parseSeconds(text, what);
  if (value > MAX_DELAY_SECONDS) {
    throw new UsageError(`${what} must be at most ${MAX_DELAY_SECONDS} seconds, got '${text}'`);
  }
  return value;
}
