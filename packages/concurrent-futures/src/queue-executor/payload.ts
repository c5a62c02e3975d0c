// Arguments and outcomes on the wire. Plain data (what JSON carries exactly) goes as JSON: for
// the small values of most jobs, v8.serialize costs several times more CPU than the rest of a
// job's trip through the producer. Anything else goes by V8 serialization (Date, Map, BigInt,
// typed arrays and errors survive, which JSON cannot do), base64 so that BullMQ can store it in
// its JSON data. A JSON payload always starts with "[", which base64 never does.
import { deserialize, serialize } from "node:v8";
import { fromErrorRecord, toErrorRecord, type ErrorRecord } from "../remote-error.ts";
import type { TaskAddress } from "./task-address.ts";

/** A job's data in Redis: its task, its encoded arguments, and whether they are a map() chunk. */
export interface JobData {
  t: TaskAddress;
  a: string;
  c: 0 | 1;
}

/** Default limit of one job's arguments or one result, before base64. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** An outcome as stored in a job's return value: 1 with the value, 0 with an error record. */
export type Outcome = [ok: 1, value: unknown] | [ok: 0, error: ErrorRecord];

/** Encode an array (arguments or an outcome) for the queue. */
export function encode(value: unknown[], what: string, maxBytes: number): string {
  if (plainData(value)) {
    const json = JSON.stringify(value);
    // At most 3 bytes of UTF-8 per UTF-16 unit: surely under the limit; else let V8 measure.
    if (json.length * 3 <= maxBytes) return json;
  }
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    throw new TypeError(`${what} cannot be sent through the queue: ${(error as Error).message}`);
  }
  if (bytes.byteLength > maxBytes) {
    throw new RangeError(
      `${what} is ${bytes.byteLength} bytes serialized, above the queue's limit of ${maxBytes} bytes (maxPayloadBytes)`,
    );
  }
  return bytes.toString("base64");
}

export function decode(text: string): unknown {
  return text.charCodeAt(0) === 0x5b /* [ */ ? JSON.parse(text) : deserialize(Buffer.from(text, "base64"));
}

export function encodeOutcome(ok: boolean, value: unknown, maxBytes: number): string {
  if (!ok) return encode([0, toErrorRecord(value)] satisfies Outcome, "the task's error", maxBytes);
  // A task that returns nothing: [1] reads back as [1, undefined].
  if (value === undefined) return "[1]";
  try {
    return encode([1, value] satisfies Outcome, "the task's result", maxBytes);
  } catch (error) {
    return encode([0, toErrorRecord(error)] satisfies Outcome, "the task's error", maxBytes);
  }
}

/** The value of an outcome, or the rebuilt error it carries, thrown. */
export function readOutcome(text: string): { ok: boolean; value: unknown } {
  const [ok, value] = decode(text) as Outcome;
  return ok === 1 ? { ok: true, value } : { ok: false, value: fromErrorRecord(value) };
}

/** isPlainData(), false where a getter throws: V8 serialization then says what went wrong. */
function plainData(value: unknown): boolean {
  try {
    return isPlainData(value);
  } catch {
    return false;
  }
}

/**
 * Whether JSON carries `value` exactly, as V8 serialization would: strings, booleans, null,
 * finite numbers other than -0, and dense arrays and plain objects of those. Anything else
 * (undefined, -0, NaN, class instances, arrays with holes or extra keys, "__proto__" keys)
 * takes the V8 path.
 */
function isPlainData(value: unknown, depth = 8): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainData(value[i], depth - 1)) return false;
    }
    return Object.keys(value).length === value.length;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === "__proto__") return false;
    if (!isPlainData((value as Record<string, unknown>)[key], depth - 1)) return false;
  }
  return true;
}
