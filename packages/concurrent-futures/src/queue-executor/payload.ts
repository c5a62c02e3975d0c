// Arguments and outcomes on the wire. Plain data (what JSON carries exactly) goes as JSON: for
// the small values of most jobs, v8.serialize costs several times more CPU than the rest of a
// job's trip through the producer. Anything else goes by V8 serialization (Date, Map, BigInt,
// typed arrays and errors survive, which JSON cannot do), base64 so that BullMQ can store it in
// its JSON data. A JSON payload always starts with "[", which base64 never does.
import { deserialize, serialize } from "node:v8";
import { plainData } from "../plain-data.ts";
import { fromErrorRecord, toErrorRecord, type ErrorRecord } from "../remote-error.ts";
import { readRunReport, type RunnerMark, type RunReport } from "./run-report.ts";
import type { TaskAddress } from "./task-address.ts";

/** A job's data in Redis: its task, its encoded arguments, whether they are a map() chunk, its signature. */
export interface JobData {
  t: TaskAddress;
  a: string;
  c: 0 | 1;
  /** HMAC of the rest, when the producer has a key (job-signature.ts). */
  s?: string;
}

/** Refuse job data of the wrong shape (forged, or from another version) before using any of it. */
export function checkJobData(data: JobData): void {
  const t = (data as Partial<JobData> | null)?.t;
  const fields = t && typeof t === "object" ? [t.p, t.v, t.m, t.e] : [];
  if (
    fields.length !== 4 ||
    !fields.every((field) => typeof field === "string" && field.length <= 1024) ||
    typeof data.a !== "string" ||
    (data.c !== 0 && data.c !== 1)
  ) {
    throw new TypeError("the job's data is not a futures job: refused");
  }
}

/** Default limit of one job's arguments or one result, before base64. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/**
 * An outcome as stored in a job's return value: 1 with the value, 0 with an error record, and
 * who ran it (run-report.ts; absent from workers of earlier releases).
 */
export type Outcome =
  [ok: 1, value: unknown, report?: RunReport] | [ok: 0, error: ErrorRecord, report?: RunReport];

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
      `${what}: ${bytes.byteLength} bytes serialized, above the queue's limit of ${maxBytes} bytes (maxPayloadBytes)`,
    );
  }
  return bytes.toString("base64");
}

/**
 * Decode what encode() made, bounded: refused before decoding when above `maxBytes`; a V8
 * payload is then checked for arrays longer than it has bytes (a sparse array of length
 * 2^32-2 takes 14 bytes, and spreading or iterating it exhausts memory). JSON needs no such
 * check: its arrays have no holes, and each element costs a byte of text.
 */
export function decode(text: string, what: string, maxBytes: number): unknown {
  if (typeof text !== "string") throw new TypeError(`${what} is not an encoded payload`);
  const json = text.charCodeAt(0) === 0x5b; /* [ */
  // UTF-16 units are at most the UTF-8 bytes; base64 holds 3 bytes per 4 characters.
  const bytes = json ? text.length : Math.floor((text.length * 3) / 4);
  if (bytes > maxBytes) {
    throw new RangeError(
      `${what}: about ${bytes} bytes, above the queue's limit of ${maxBytes} bytes (maxPayloadBytes): refused before decoding`,
    );
  }
  if (json) return JSON.parse(text);
  const buffer = Buffer.from(text, "base64");
  const value = deserialize(buffer);
  checkArrays(value, buffer.byteLength, what);
  return value;
}

/** Refuse arrays (anywhere in `value`) longer than the payload's `bytes`; walks at most `bytes` nodes. */
function checkArrays(value: unknown, bytes: number, what: string): void {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let budget = bytes + 16;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || seen.has(node) || ArrayBuffer.isView(node)) continue;
    if (--budget < 0) return; // more nodes than bytes cannot be: V8 shares repeated objects
    seen.add(node);
    if (Array.isArray(node)) {
      if (node.length > bytes) {
        throw new RangeError(`${what} holds an array of length ${node.length} in ${bytes} bytes: refused`);
      }
      for (const key of Object.keys(node)) stack.push((node as unknown as Record<string, unknown>)[key]);
    } else if (node instanceof Map) {
      for (const [key, item] of node) stack.push(key, item);
    } else if (node instanceof Set) {
      for (const item of node) stack.push(item);
    } else {
      for (const key of Object.keys(node)) stack.push((node as Record<string, unknown>)[key]);
    }
  }
}

export function encodeOutcome(ok: boolean, value: unknown, maxBytes: number, report: RunReport): string {
  // The common case written directly: checking and stringifying the report with the value took
  // most of a no-op job's 4.5 us here. The text is what JSON.stringify of the outcome gives.
  if (ok && (value === undefined || plainData(value, VALUE_DEPTH))) {
    let json = "";
    try {
      json = `[1,${value === undefined ? "null" : JSON.stringify(value)},${reportJson(report, value === undefined)}]`;
    } catch {
      // Longer than a string can be: the path below answers with the error.
    }
    if (json && json.length * 3 <= maxBytes) return json;
  }
  if (!ok) return encode([0, toErrorRecord(value), report] satisfies Outcome, "the task's error", maxBytes);
  // A task that returned nothing: null in JSON, marked so that it reads back as undefined (V8's
  // encoding would keep it, at seven times the CPU). A producer of an earlier release reads null.
  if (value === undefined) return encode([1, null, { ...report, u: 1 }], "the task's result", maxBytes);
  try {
    return encode([1, value, report] satisfies Outcome, "the task's result", maxBytes);
  } catch (error) {
    return encode([0, toErrorRecord(error), report] satisfies Outcome, "the task's error", maxBytes);
  }
}

/** A value's levels of plain data inside an outcome: encode() allows 8, the outcome's array takes one. */
const VALUE_DEPTH = 7;

/** The runner's part of the last report written, as JSON without its closing brace. */
let lastMark: RunnerMark | undefined;
let lastMarkJson = "";

/** A report as JSON; its runner's part, the same in every outcome a worker writes, is made once. */
function reportJson({ w, h, p, c, r }: RunReport, nothing: boolean): string {
  if (lastMark?.w !== w || lastMark.h !== h || lastMark.p !== p || lastMark.c !== c) {
    lastMark = { w, h, p, c };
    lastMarkJson = JSON.stringify(lastMark).slice(0, -1);
  }
  return `${lastMarkJson},"r":${JSON.stringify(r)}${nothing ? ',"u":1' : ""}}`;
}

/** What an outcome says: the value or the rebuilt error it carries, and its checked report. */
export interface ReadOutcome {
  ok: boolean;
  value: unknown;
  report: RunReport | undefined;
}

export function readOutcome(text: string, maxBytes: number): ReadOutcome {
  const outcome = decode(text, "the job's result", maxBytes);
  if (!Array.isArray(outcome) || (outcome[0] !== 0 && outcome[0] !== 1)) {
    throw new TypeError("the job's result is not an outcome");
  }
  const [ok, value, report] = outcome as Outcome;
  if (ok === 0) return { ok: false, value: fromErrorRecord(value), report: readRunReport(report) };
  const nothing = value === null && (report as { u?: unknown } | undefined)?.u === 1;
  return { ok: true, value: nothing ? undefined : value, report: readRunReport(report) };
}
