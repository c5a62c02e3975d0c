import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { sha256Hex, sha256Job } from "../../src/cpu/sha-job.ts";

describe("sha256", () => {
  it("matches the FIPS 180-2 examples", () => {
    assert.equal(
      sha256Hex(new TextEncoder().encode("abc")),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.equal(
      sha256Hex(new Uint8Array(0)),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("equals node:crypto for random data of many sizes", () => {
    for (const size of [1, 63, 64, 65, 1000, 2 ** 20 + 3]) {
      const data = randomBytes(size);
      assert.equal(sha256Hex(data), createHash("sha256").update(data).digest("hex"));
    }
  });

  it("hashes fresh random bytes in each job, of any size", () => {
    const first = sha256Job(1024);
    const second = sha256Job(1024);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.notEqual(first, second);
    assert.equal(sha256Job(0), createHash("sha256").digest("hex"));
    for (const size of [1, 2 ** 20, 2 ** 20 + 1, 3 * 2 ** 20 + 5])
      assert.match(sha256Job(size), /^[0-9a-f]{64}$/);
  });
});
