import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Fifo } from "../src/fifo.ts";
import { collectGarbage } from "./fixtures/gc.ts";

describe("Fifo", () => {
  it("gives items back in the order they came, with peek leaving them in place", () => {
    const queue = new Fifo<number>();
    assert.equal(queue.shift(), undefined);
    assert.equal(queue.peek(), undefined);
    for (const n of [1, 2, 3]) queue.push(n);
    assert.equal(queue.length, 3);
    assert.equal(queue.peek(), 1);
    assert.equal(queue.shift(), 1);
    queue.push(4);
    assert.deepEqual([queue.shift(), queue.shift(), queue.shift()], [2, 3, 4]);
    assert.equal(queue.length, 0);
    assert.equal(queue.shift(), undefined);
  });

  it("drains what is left, oldest first, and is empty afterwards", () => {
    const queue = new Fifo<string>();
    for (const s of ["a", "b", "c"]) queue.push(s);
    queue.shift();
    assert.deepEqual(queue.drain(), ["b", "c"]);
    assert.equal(queue.length, 0);
    queue.push("d");
    assert.deepEqual(queue.drain(), ["d"]);
  });

  it("keeps order across compaction while items keep coming", () => {
    const queue = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 150; i++) queue.push(next++);
      for (let i = 0; i < 100; i++) out.push(queue.shift()!);
    }
    while (queue.length > 0) out.push(queue.shift()!);
    assert.deepEqual(
      out,
      Array.from({ length: next }, (_, i) => i),
    );
  });

  it("holds no reference to an item once it is taken", async () => {
    const queue = new Fifo<object>();
    let taken: WeakRef<object>;
    {
      queue.push({ big: new Uint8Array(1024) });
      queue.push({});
      taken = new WeakRef(queue.shift()!);
    }
    await collectGarbage();
    assert.equal(taken.deref(), undefined);
    assert.equal(queue.length, 1);
  });

  it("iterates its items oldest first without taking them", () => {
    const queue = new Fifo<number>();
    for (let i = 0; i < 2000; i++) queue.push(i);
    for (let i = 0; i < 1500; i++) queue.shift(); // past the point where it compacts
    assert.deepEqual(
      [...queue],
      Array.from({ length: 500 }, (_, i) => 1500 + i),
    );
    assert.equal(queue.length, 500);
  });
});
