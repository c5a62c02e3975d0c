// Checks of numeric options, with the rule of Node's own validators and of CPython: a value
// of the wrong type is a TypeError, a number out of range is a RangeError.
import type { InspectOptions } from "node:util";

/** The longest delay setTimeout honours; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `value` as an integer >= `min`, or a TypeError / RangeError naming the option. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${shown(value)}`);
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** checkInteger() for an option that may be left out. */
export function checkOptionalInteger(name: string, value: unknown, min: number): number | undefined {
  return value === undefined ? undefined : checkInteger(name, value, min);
}

/**
 * A timeout in milliseconds: undefined or Infinity waits for ever (returned as undefined);
 * a negative one does not wait at all, as in Python.
 */
export function checkTimeout(value: unknown, name = "timeout"): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be a number of milliseconds, got ${shown(value)}`);
  }
  if (Number.isNaN(value) || value > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be at most ${MAX_TIMEOUT_MS} ms or Infinity, got ${value}`);
  }
  return Math.max(0, value);
}

/**
 * A period in milliseconds that setTimeout can wait: more than 0, at most about 24.8 days.
 * Where `forever` allows it, Infinity means never, returned as undefined.
 */
export function checkPeriod(name: string, value: unknown, forever = false): number | undefined {
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be a number of milliseconds, got ${shown(value)}`);
  }
  if (forever && value === Infinity) return undefined;
  if (!(value > 0) || value > MAX_TIMEOUT_MS) {
    const bound = `at most ${MAX_TIMEOUT_MS} ms${forever ? " or Infinity" : ""}`;
    throw new RangeError(`${name} must be more than 0 and ${bound}, got ${value}`);
  }
  return value;
}

/** An AbortSignal or nothing, or a TypeError. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new TypeError(`signal must be an AbortSignal, got ${shown(signal)}`);
}

/** One of `allowed`, or a TypeError (not a string) / RangeError (another string). */
export function checkChoice<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, got ${shown(value)}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`${name} must be one of ${allowed.join(", ")}, got ${inspect(value)}`);
  }
  return value as T;
}

/** A value in a message: its type and a short inspection. */
export function shown(value: unknown): string {
  if (value === null) return "null";
  const text = inspect(value, { depth: 0, breakLength: Infinity });
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

/** util.inspect, loaded when a message needs it: only errors do. */
function inspect(value: unknown, options?: InspectOptions): string {
  return process.getBuiltinModule("node:util").inspect(value, options);
}
