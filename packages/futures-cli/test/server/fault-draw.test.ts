// The fault draw on its own: rates, repeatability and option checks, without sockets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drawDelayMs } from "../../src/server/delay.ts";
import {
  DEFAULT_FAULTS,
  FAULT_KINDS,
  fillRates,
  resolveFaults,
  type Fault,
} from "../../src/server/fault-kinds.ts";
import { drawFault } from "../../src/server/faults.ts";
import { StatsCounter } from "../../src/server/stats.ts";
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

  it("refuses rates outside [0, 1] and rates given adding up to more than 1", () => {
    assert.throws(() => resolveFaults({ resetRate: -0.1 }), RangeError);
    assert.throws(() => resolveFaults({ hangRate: 2 }), RangeError);
    assert.throws(() => resolveFaults({ statusRate: 0.5, delayRate: 0.4, truncateRate: 0.2 }), {
      name: "RangeError",
      message:
        "faults.statusRate 0.5 + faults.delayRate 0.4 + faults.truncateRate 0.2 add up to 1.1; " +
        "at most 1 is possible, as a request gets one fault at most",
    });
    assert.doesNotThrow(() => resolveFaults({ statusRate: 0.5, delayRate: 0.5 }));
  });

  it("rates not given take their defaults shrunk to what the given ones leave", () => {
    const rates = (options: Parameters<typeof resolveFaults>[0]) => {
      const config = resolveFaults(options);
      return Object.fromEntries(FAULT_KINDS.map((row) => [row.kind, config[row.rate]]));
    };
    const none = { status: 0, delay: 0, reset: 0, hang: 0, truncate: 0, throttle: 0 };
    assert.deepEqual(rates({ statusRate: 1 }), { ...none, status: 1 });
    assert.deepEqual(rates({ statusRate: 0.6 }), { ...none, status: 0.6, delay: 0.4 });
    assert.deepEqual(rates({ resetRate: 0.5 }), { ...none, status: 0.25, delay: 0.25, reset: 0.5 });
    assert.deepEqual(rates({ delayRate: 0.9 }), { ...none, status: 0.1, delay: 0.9 });
    assert.deepEqual(rates({ hangRate: 1 }), { ...none, hang: 1 });
    // A rate given as 0 is given: the others keep their defaults.
    assert.deepEqual(rates({ delayRate: 0 }), { ...none, status: 0.25 });
  });

  it("fillRates names the given rates the caller's way and throws the caller's error", () => {
    class Refused extends Error {}
    assert.throws(
      () => fillRates({ status: 0.7, delay: 0.5 }, (row) => row.flag, Refused),
      (error: Error) =>
        error instanceof Refused &&
        error.message.startsWith("--error-rate 0.7 + --delay-rate 0.5 add up to 1.2;"),
    );
  });
});

describe("the table of fault kinds", () => {
  it("sets the draw order: a point in [0, 1) lands on the kinds in table order", () => {
    const share = 1 / FAULT_KINDS.length;
    const options = Object.fromEntries(FAULT_KINDS.map((row) => [row.rate, share]));
    const config = resolveFaults({ ...options, throttleBytesPerSecond: 99 });
    FAULT_KINDS.forEach((row, i) => {
      const point = (i + 0.5) * share;
      const fault = drawFault(config, () => point);
      assert.equal(fault.kind, row.kind);
    });
  });

  it("gives every kind a stats counter, a flag and a default", () => {
    assert.deepEqual(
      Object.keys(new StatsCounter().snapshot().faults),
      FAULT_KINDS.map((row) => row.kind),
    );
    for (const row of FAULT_KINDS) {
      assert.match(row.flag, /^--[a-z]+-rate$/);
      assert.equal(DEFAULT_FAULTS[row.rate], row.defaultRate);
      for (const setting of row.settings) assert.deepEqual(DEFAULT_FAULTS[setting.key], setting.default);
    }
  });
});
