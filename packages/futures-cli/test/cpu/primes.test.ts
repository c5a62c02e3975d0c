import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPrime } from "../../src/cpu/prime-job.ts";
import { isPrime, isqrt, PRIME_FIXTURE, PRIME_NUMBERS } from "../../src/cpu/primes.ts";

function sieve(limit: number): boolean[] {
  const prime = Array.from({ length: limit + 1 }, (_, n) => n >= 2);
  for (let p = 2; p * p <= limit; p++) {
    if (prime[p]) for (let multiple = p * p; multiple <= limit; multiple += p) prime[multiple] = false;
  }
  return prime;
}

describe("isPrime", () => {
  it("answers the 2nd edition's 20 numbers right, including those above 2^53", () => {
    assert.equal(PRIME_NUMBERS.length, 20);
    assert.ok(PRIME_NUMBERS.some((n) => n > 2n ** 53n));
    for (const [n, prime] of PRIME_FIXTURE) assert.equal(isPrime(n), prime, String(n));
  });

  it("agrees with a sieve from 0 to 1000", () => {
    const expected = sieve(1000);
    for (let n = 0; n <= 1000; n++) assert.equal(isPrime(n), expected[n], String(n));
  });

  it("finds large factors of composites around and above 2^52 and 2^53", () => {
    const composites: [bigint, bigint, bigint][] = [
      [4503670360107857n, 67108859n, 67109923n], // just above 2^52
      [9007196099250001n, 94906249n, 94906249n], // a prime squared, just below 2^53
      [18014382671793161n, 134217689n, 134217649n], // above 2^54
    ];
    for (const [n, p, q] of composites) {
      assert.equal(p * q, n);
      assert.equal(isPrime(n), false, String(n));
      assert.equal(isPrime(p), true, String(p));
    }
  });

  it("handles numbers that need more than two limbs", () => {
    assert.equal(isPrime(2n ** 100n + 1n), false); // 17 divides it
    assert.equal(isPrime(1000003n * (2n ** 89n - 1n)), false); // smallest factor 1000003
    assert.equal(isPrime(2n ** 127n), false);
  });

  it("accepts safe integers, bigints and decimal strings, and rejects what is not exact", () => {
    assert.equal(isPrime(97), true);
    assert.equal(isPrime("9999999999999917"), true);
    assert.equal(isPrime(" 9999999999999999 "), false);
    assert.equal(isPrime(-7n), false);
    assert.throws(() => isPrime(2 ** 53 + 2), RangeError);
    assert.throws(() => isPrime(2.5), RangeError);
    assert.throws(() => isPrime("12a"), SyntaxError);
  });
});

describe("isqrt", () => {
  it("is the floor of the square root", () => {
    for (const n of [
      0n,
      1n,
      2n,
      3n,
      4n,
      15n,
      16n,
      17n,
      99n,
      100n,
      2n ** 64n - 1n,
      2n ** 64n,
      10n ** 40n + 7n,
    ]) {
      const r = isqrt(n);
      assert.ok(r * r <= n && (r + 1n) * (r + 1n) > n, String(n));
    }
  });
});

describe("checkPrime job", () => {
  it("returns the number, the answer and the time taken", () => {
    const result = checkPrime(142702110479723n);
    assert.equal(result.n, 142702110479723n);
    assert.equal(result.prime, true);
    assert.ok(result.elapsed >= 0);
  });
});
