// The argument checks of the CPU jobs. On a queue anyone who can write to Redis may send a
// job, so every job checks what it is given, with upper bounds that keep a forged job from
// asking for gigabytes of memory or hours of work: a TypeError for a wrong type, a
// RangeError out of range, naming the argument and never echoing what a forger chose.

/** Jobs are buffers in memory (RC4's largest is 1.5 times --size): keep each well below the limits. */
export const MAX_JOB_BYTES = 2 ** 29;

/** The largest RC4 job: 1.5 times the largest --size. */
export const MAX_ARCFOUR_JOB_BYTES = MAX_JOB_BYTES * 1.5;

/** A whole number in [min, max]. */
export function checkWhole(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number, got ${kindOf(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A value's kind, never its content. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}
