// The fault draw on its own: rates, repeatability and option checks, without sockets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drawDelayMs, drawFault, type Fault } from "../../src/server/faults.ts";
import { DEFAULT_FAULTS, resolveFaults } from "../../src/server/options.ts";
import { seededRandom, streamSeed } from "../../src/server/random.ts";

function shares(faults: Fault[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fault of faults) counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
  for (const kind of Object.keys(counts)) counts[kind]! /= faults.length;
  return counts;
}

describe("drawFault", () => {
  it("the default is the 1st edition's mix: 25% status, 50% delay, 25% untouched", () => {
    const random = seededRandom(1);
    const faults = Array.from({ length: 100_000 }, () => drawFault(DEFAULT_FAULTS, random));
    const share = shares(faults);
    assert.ok(Math.abs(share.status! - 0.25) < 0.01, `status ${share.status}`);
    assert.ok(Math.abs(share.delay! - 0.5) < 0.01, `delay ${share.delay}`);
    assert.ok(Math.abs(share.none! - 0.25) < 0.01, `none ${share.none}`);
    const statuses = new Set(faults.flatMap((fault) => (fault.kind === "status" ? [fault.status] : [])));
    assert.deepEqual([...statuses].sort(), [500, 501, 502, 503]);
    assert.ok(faults.every((fault) => fault.kind !== "delay" || fault.ms === 500));
  });

  it("draws every kind at its configured rate", () => {
    const config = resolveFaults({
      statusRate: 0.1,
      delayRate: 0.1,
      resetRate: 0.15,
      hangRate: 0.05,
      truncateRate: 0.2,
      throttleRate: 0.1,
    });
    const random = seededRandom(42);
    const share = shares(Array.from({ length: 100_000 }, () => drawFault(config, random)));
    const expected = {
      status: 0.1,
      delay: 0.1,
      reset: 0.15,
      hang: 0.05,
      truncate: 0.2,
      throttle: 0.1,
      none: 0.3,
    };
    for (const [kind, rate] of Object.entries(expected)) {
      assert.ok(Math.abs(share[kind]! - rate) < 0.01, `${kind}: ${share[kind]} vs ${rate}`);
    }
  });

  it("the same seed gives the same sequence; another seed another", () => {
    const sequence = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 500 }, () => drawFault(DEFAULT_FAULTS, random));
    };
    assert.deepEqual(sequence(7), sequence(7));
    assert.notDeepEqual(sequence(7), sequence(8));
  });

  it("listeners get independent streams from one seed", () => {
    const first = seededRandom(streamSeed(7, 0));
    const second = seededRandom(streamSeed(7, 2));
    assert.notDeepEqual(Array.from({ length: 10 }, first), Array.from({ length: 10 }, second));
  });

  it("a delay range is drawn uniformly within its bounds", () => {
    const random = seededRandom(3);
    const delays = Array.from({ length: 10_000 }, () => drawDelayMs({ min: 0.5, max: 5 }, random));
    assert.ok(delays.every((ms) => ms >= 500 && ms <= 5000));
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(Math.abs(mean - 2750) < 60, `mean ${mean}`);
    assert.equal(drawDelayMs(0.25, random), 250);
  });
});

describe("resolveFaults", () => {
  it("fills in defaults and keeps the given values", () => {
    assert.deepEqual(resolveFaults(), DEFAULT_FAULTS);
    const config = resolveFaults({ statusRate: 0.1, statuses: [418], delayRate: undefined });
    assert.equal(config.statusRate, 0.1);
    assert.deepEqual(config.statuses, [418]);
    assert.equal(config.delayRate, 0.5);
  });

  it("refuses rates outside [0, 1] and rates adding up to more than 1", () => {
    assert.throws(() => resolveFaults({ resetRate: -0.1 }), RangeError);
    assert.throws(() => resolveFaults({ hangRate: 2 }), RangeError);
    assert.throws(
      () => resolveFaults({ statusRate: 0.5, delayRate: 0.4, truncateRate: 0.2 }),
      /add up to 1\.1/,
    );
    assert.doesNotThrow(() => resolveFaults({ statusRate: 0.5, delayRate: 0.5 }));
  });
});
