import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BATCH_MS,
  MAX_BATCH,
  MIN_DEEP_QUEUE,
  UNMEASURED_MS,
  batchSize,
  estimateMs,
  fitsInBatch,
  sendAhead,
  updateMeanMs,
} from "../src/batch-policy.ts";

describe("batch policy", () => {
  it("assumes a task never measured is slow, so it goes one call at a time", () => {
    assert.equal(estimateMs(undefined), UNMEASURED_MS);
    assert.equal(batchSize(1000, 2, undefined), 1);
    assert.equal(fitsInBatch(1, undefined), false);
  });

  it("sends about BATCH_MS of work per message, judged by the measured mean", () => {
    assert.equal(batchSize(10_000, 2, 0.1), Math.floor(BATCH_MS / 0.1));
    assert.equal(batchSize(10_000, 2, 0.5), 4);
    assert.equal(batchSize(10_000, 2, 5), 1, "a call slower than a batch goes alone");
  });

  it("never sends more than MAX_BATCH, nor more than a fair share of the queue", () => {
    assert.equal(batchSize(100_000, 1, 0), MAX_BATCH);
    assert.equal(batchSize(10, 4, 0.001), 3, "ceil(10 / 4)");
    assert.equal(batchSize(1, 8, 0.001), 1);
    assert.equal(batchSize(0, 8, 0.001), 1);
    assert.equal(batchSize(5, 0, 0.001), 5, "no worker yet counts as one");
  });

  it("fills a batch while the next call still fits in BATCH_MS", () => {
    assert.equal(fitsInBatch(0, 50), true, "a batch always takes its first call");
    assert.equal(fitsInBatch(1, 1), true, "two calls of 1 ms fit in 2 ms");
    assert.equal(fitsInBatch(2, 1), false, "a third does not");
    assert.equal(fitsInBatch(199, 0.01), true);
  });

  it("sends a second batch ahead only when the queue is deep for every worker", () => {
    assert.equal(sendAhead(1000, 2, 1), false, "one call at a time never runs ahead");
    assert.equal(sendAhead(MIN_DEEP_QUEUE * 2 - 1, 2, 4), false);
    assert.equal(sendAhead(MIN_DEEP_QUEUE * 2, 2, 4), true);
    assert.equal(sendAhead(100 * 2 - 1, 2, 100), false, "deep means at least a batch per worker");
    assert.equal(sendAhead(100 * 2, 2, 100), true);
  });

  it("keeps a running mean that follows the task's recent speed", () => {
    assert.equal(updateMeanMs(undefined, 3), 3, "the first measurement is taken as is");
    assert.equal(updateMeanMs(1, 6), 2);
    let mean: number | undefined;
    for (let i = 0; i < 50; i++) mean = updateMeanMs(mean ?? 10, 0.01);
    assert.ok(mean! < 0.02, `converges, got ${mean}`);
  });
});
