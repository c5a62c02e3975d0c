// The CPU jobs check their arguments, as a forged queue job may send anything: a TypeError for
// a wrong type, a RangeError for a size that would ask for gigabytes or hours.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ARCFOUR_KEY, arcfourTest } from "../../src/cpu/arcfour-job.ts";
import { checkPrime } from "../../src/cpu/prime-job.ts";
import { sha256Job } from "../../src/cpu/sha-job.ts";
import { isPrimeVerbose, loiter } from "../../src/demos/demo-jobs.ts";

const call = (fn: unknown, ...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args);

describe("CPU jobs check their arguments", () => {
  it("arcfourTest: size, key and kernel", () => {
    assert.throws(
      () => call(arcfourTest, "16", ARCFOUR_KEY),
      /^TypeError: size must be a number, got string/,
    );
    assert.throws(
      () => call(arcfourTest, 2 ** 40, ARCFOUR_KEY),
      /^RangeError: size must be a whole number from 0 to 805306368/,
    );
    assert.throws(() => call(arcfourTest, -1, ARCFOUR_KEY), RangeError);
    assert.throws(() => call(arcfourTest, 16, "key"), /^TypeError: key must be a Uint8Array, got string/);
    assert.throws(() => call(arcfourTest, 16, new Uint8Array(0)), /^RangeError: key must be 1 to 256 bytes/);
    assert.throws(
      () => call(arcfourTest, 16, ARCFOUR_KEY, "constructor"),
      /^RangeError: kernel must be one of wasm, typescript/,
    );
    assert.equal(call(arcfourTest, 16, ARCFOUR_KEY, "typescript"), 16);
  });

  it("sha256Job: a bounded size", () => {
    assert.throws(
      () => call(sha256Job, 2 ** 33),
      /^RangeError: size must be a whole number from 0 to 536870912/,
    );
    assert.throws(() => call(sha256Job, null), /^TypeError: size must be a number, got null/);
    assert.equal(typeof call(sha256Job, 10), "string");
  });

  it("checkPrime: a bigint from 0 to 2^64 - 1", () => {
    assert.throws(() => call(checkPrime, 7), /^TypeError: n must be a bigint, got number/);
    assert.throws(() => call(checkPrime, 2n ** 64n), /^RangeError: n must be from 0 to 2\^64 - 1/);
    assert.equal((call(checkPrime, 7n) as { prime: boolean }).prime, true);
  });

  it("the demo jobs: bounded whole numbers", () => {
    assert.throws(() => call(loiter, 1e9), /^RangeError: n must be a whole number from 0 to 60/);
    assert.throws(() => call(loiter, "1"), TypeError);
    assert.throws(() => call(isPrimeVerbose, 2 ** 60), RangeError);
  });
});
