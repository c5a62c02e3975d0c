// Arguments and outcomes on the wire: V8 serialization (Date, Map, BigInt, typed arrays and
// errors survive, which JSON cannot do), base64 so that BullMQ can store them as JSON strings.
import { deserialize, serialize } from "node:v8";
import { fromErrorRecord, toErrorRecord, type ErrorRecord } from "../remote-error.ts";

/** Default limit of one job's arguments or one result, before base64. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** An outcome as stored in a job's return value: 1 with the value, 0 with an error record. */
export type Outcome = [ok: 1, value: unknown] | [ok: 0, error: ErrorRecord];

export function encode(value: unknown, what: string, maxBytes: number): string {
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
  return deserialize(Buffer.from(text, "base64"));
}

export function encodeOutcome(ok: boolean, value: unknown, maxBytes: number): string {
  if (!ok) return encode([0, toErrorRecord(value)] satisfies Outcome, "the task's error", maxBytes);
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
