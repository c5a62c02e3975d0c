// The fixed-memory histogram behind executor.stats(): its buckets are ordered and narrow, and
// its percentiles stay within a few percent of the exact ones, at any scale.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LogHistogram, bucketOf, middleOf } from "../src/histogram.ts";

/** The exact percentile of sorted values, by the same rank rule. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe("LogHistogram", () => {
  it("has ordered buckets, each holding values within 1/16 of its middle", () => {
    let previous = -1;
    for (const us of [0, 1, 31, 32, 33, 63, 64, 1000, 65_535, 2 ** 31 - 1, 2 ** 31, 2 ** 35 + 7, 2 ** 40]) {
      const bucket = bucketOf(us);
      assert.ok(bucket >= previous, `bucket of ${us} us`);
      previous = bucket;
      assert.ok(Math.abs(middleOf(bucket) - us) <= Math.max(0.5, us / 16), `${us} us in bucket ${bucket}`);
    }
    assert.ok(bucketOf(33) < bucketOf(34) && bucketOf(1000) < bucketOf(1070));
    // Beyond 2^41 us (25 days) every value shares the last bucket.
    assert.equal(bucketOf(2 ** 45), bucketOf(2 ** 41 - 1));
  });

  it("gives percentiles within 4% of the exact ones, and the exact maximum", () => {
    const histogram = new LogHistogram();
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 48_271) % 2_147_483_647;
      // From about 10 us to 10 s, spread over six decades.
      const ms = 0.01 * 10 ** (6 * (seed / 2_147_483_647));
      values.push(ms);
      histogram.record(ms);
    }
    values.sort((a, b) => a - b);
    const summary = histogram.summary();
    assert.equal(summary.count, values.length);
    assert.equal(summary.max, values.at(-1));
    for (const [q, got] of [
      [0.5, summary.p50],
      [0.9, summary.p90],
      [0.99, summary.p99],
    ] as const) {
      const want = exact(values, q);
      assert.ok(Math.abs(got - want) <= want * 0.04 + 0.001, `p${q * 100}: ${got} against ${want}`);
    }
  });

  it("is all zeros while empty, and counts a negative or NaN duration as 0", () => {
    const histogram = new LogHistogram();
    assert.deepEqual(histogram.summary(), { count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    histogram.record(-1);
    histogram.record(Number.NaN);
    assert.deepEqual(histogram.summary(), { count: 2, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});
