// The queue's wire format: plain data as JSON (cheap), everything JSON would change by V8.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serialize } from "node:v8";
import { decode, encode, encodeOutcome, readOutcome } from "../src/queue-executor/payload.ts";

const LIMIT = 1 << 20;
const REPORT = { w: "3f2a-worker", h: "vm", p: 4242, c: 2, r: 1.5 };

function roundTrip(value: unknown[]): { text: string; back: unknown } {
  const text = encode(value, "the value", LIMIT);
  return { text, back: decode(text, "the value", LIMIT) };
}

describe("queue payload", () => {
  it("sends plain data as JSON and reads it back equal", () => {
    for (const value of [
      [],
      [1, "two", true, null],
      [{ a: [1, 2, { b: "c" }], d: 1.5e300 }],
      ["\ud800 lone surrogate", "é"],
    ]) {
      const { text, back } = roundTrip(value);
      assert.equal(text[0], "[", `${JSON.stringify(value)} went as JSON`);
      assert.deepEqual(back, value);
    }
  });

  it("refuses with a TypeError an argument whose getter throws, as V8 serialization does", () => {
    const trap = {
      get value(): never {
        throw new Error("getter exploded");
      },
    };
    assert.throws(() => encode([trap], "the task's arguments", LIMIT), {
      name: "TypeError",
      message: "the task's arguments cannot be sent through the queue: getter exploded",
    });
  });

  it("sends by V8 what JSON would change, and reads it back exactly", () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const withKey = Object.assign([1, 2], { extra: "kept" });
    const cases: unknown[][] = [
      [-0],
      [undefined],
      [NaN, Infinity],
      [sparse],
      [withKey],
      [{ when: new Date(0) }],
      [new Map([[1, 2]])],
      [2n],
      [JSON.parse('{"__proto__": 1}')],
      [{ a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } }],
    ];
    for (const [i, value] of cases.entries()) {
      const { text, back } = roundTrip(value);
      assert.notEqual(text[0], "[", `case ${i} went by V8`);
      assert.deepEqual(back, value);
    }
    assert.ok(Object.is((roundTrip([-0]).back as number[])[0], -0));
    assert.ok(1 in (roundTrip([withKey]).back as unknown[][])[0]!);
  });

  it("keeps the size limit on either path", () => {
    assert.throws(
      () => encode(["x".repeat(1200)], "the arguments of f", 1000),
      /^RangeError: the arguments of f: \d+ bytes serialized, above the queue's limit of 1000 bytes/,
    );
    assert.throws(
      () => decode(`[${JSON.stringify("x".repeat(1200))}]`, "the job's arguments", 1000),
      /^RangeError: the job's arguments: about \d+ bytes, above the queue's limit of 1000 bytes \(maxPayloadBytes\): refused before decoding$/,
    );
    assert.equal(encode(["x".repeat(300)], "the arguments of f", 1000)[0], "[");
  });

  it("reads outcomes: undefined, plain values, other values and errors, with their report", () => {
    assert.deepEqual(readOutcome(encodeOutcome(true, undefined, LIMIT, REPORT), LIMIT), {
      ok: true,
      value: undefined,
      report: REPORT,
    });
    assert.deepEqual(readOutcome(encodeOutcome(true, { n: 1 }, LIMIT, REPORT), LIMIT), {
      ok: true,
      value: { n: 1 },
      report: REPORT,
    });
    assert.deepEqual(readOutcome(encodeOutcome(true, [undefined], LIMIT, REPORT), LIMIT).value, [undefined]);
    assert.equal(readOutcome(encodeOutcome(true, null, LIMIT, REPORT), LIMIT).value, null);
    // Nothing and null both go as JSON: a producer of an earlier release reads them as it can.
    assert.match(encodeOutcome(true, undefined, LIMIT, REPORT), /^\[1,null,\{/);
    const failed = readOutcome(encodeOutcome(false, new RangeError("bad"), LIMIT, REPORT), LIMIT);
    assert.equal(failed.ok, false);
    assert.ok(failed.value instanceof RangeError);
    assert.equal((failed.value as Error).message, "bad");
    assert.deepEqual(failed.report, REPORT);
  });

  it("writes an outcome as JSON.stringify would, whatever the value", () => {
    const deep = [[[[[[["seven levels"]]]]]]];
    for (const value of [null, 0, 1.5, "text", '\u2028 "quoted"', [1, [2]], { a: { b: [true] } }, deep]) {
      assert.equal(encodeOutcome(true, value, LIMIT, REPORT), JSON.stringify([1, value, REPORT]));
    }
    assert.equal(
      encodeOutcome(true, undefined, LIMIT, REPORT),
      JSON.stringify([1, null, { ...REPORT, u: 1 }]),
    );
    // One level deeper than plain data goes in an outcome: V8 serialization, as before.
    assert.notEqual(encodeOutcome(true, [deep], LIMIT, REPORT)[0], "[");
    // Reports of two runners in turn: each outcome has its own.
    const other = { ...REPORT, w: "another", p: 2 };
    assert.equal(readOutcome(encodeOutcome(true, 1, LIMIT, other), LIMIT).report?.w, "another");
    assert.equal(readOutcome(encodeOutcome(true, 1, LIMIT, REPORT), LIMIT).report?.w, REPORT.w);
  });

  it("reads the outcomes of workers of earlier releases, which carry no report", () => {
    assert.deepEqual(readOutcome("[1]", LIMIT), { ok: true, value: undefined, report: undefined });
    assert.deepEqual(readOutcome("[1,7]", LIMIT), { ok: true, value: 7, report: undefined });
  });

  it("keeps a worker's report only when every field is of its kind and size", () => {
    const forged = [
      null,
      [REPORT],
      { ...REPORT, w: "" },
      { ...REPORT, w: "x".repeat(129) },
      { ...REPORT, h: 7 },
      { ...REPORT, h: "h".repeat(300) },
      { ...REPORT, p: -1 },
      { ...REPORT, p: 1.5 },
      { ...REPORT, c: 0 },
      { ...REPORT, c: 1e9 },
      { ...REPORT, r: -1 },
      { ...REPORT, r: "5" },
    ];
    for (const report of forged) {
      const { ok, value, report: read } = readOutcome(JSON.stringify([1, 7, report]), LIMIT);
      assert.deepEqual([ok, value, read], [true, 7, undefined], JSON.stringify(report));
    }
    // A host name is shown as text: its controls are escaped, and it is cut short.
    const { report } = readOutcome(JSON.stringify([1, 7, { ...REPORT, h: "evil\x1b[2Jhost" }]), LIMIT);
    assert.equal(report?.h, "evil\\x1b[2Jhost");
    assert.equal(readOutcome(JSON.stringify([1, 7, { ...REPORT, r: Infinity }]), LIMIT).report, undefined);
  });

  it("refuses, before decoding, a payload above the limit", () => {
    const big = encode(["x".repeat(5000)], "the value", LIMIT);
    assert.throws(() => decode(big, "the job's arguments", 1000), /refused before decoding/);
    const v8 = encode([new Map([[1, "x".repeat(5000)]])], "the value", LIMIT);
    assert.throws(() => decode(v8, "the job's arguments", 1000), RangeError);
  });

  it("refuses a crafted sparse array whose length no payload of its size can hold", () => {
    const bomb: unknown[] = [];
    bomb.length = 2 ** 32 - 2;
    for (const crafted of [bomb, [1, { nested: bomb }], [new Map([["k", bomb]])]]) {
      const text = serialize(crafted).toString("base64");
      assert.ok(text.length < 100, "a few bytes");
      assert.throws(
        () => decode(text, "the job's arguments", LIMIT),
        /array of length 4294967294 in \d+ bytes/,
      );
      assert.throws(() => readOutcome(serialize([1, crafted]).toString("base64"), LIMIT), RangeError);
    }
  });

  it("refuses what is not an outcome or not a payload at all", () => {
    assert.throws(() => readOutcome("[7, 1]", LIMIT), /not an outcome/);
    assert.throws(() => readOutcome('{"a": 1}', LIMIT));
    assert.throws(() => decode(42 as unknown as string, "the job's arguments", LIMIT), TypeError);
  });

  it("always rebuilds an Error from an error record, whatever it is named or holds", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const text = JSON.stringify([0, { name, message: "forged", stack: null, code: null, cause: null }]);
      const { ok, value } = readOutcome(text, LIMIT);
      assert.equal(ok, false);
      assert.ok(value instanceof Error, name);
      assert.equal((value as Error).message, "forged");
    }
    const odd = readOutcome(JSON.stringify([0, { name: 7, message: { m: 1 }, code: {} }]), LIMIT);
    assert.ok(odd.value instanceof Error);
  });
});
