// asCompleted and wait on futures set by hand (scale, order, option checks) and on futures
// of all three executors at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AsyncExecutor,
  Future,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
  asCompleted,
  wait,
} from "../src/index.ts";
import { collectGarbage } from "./fixtures/gc.ts";
import { sleep, whereAmI } from "./fixtures/tasks.ts";

async function takeWeakly(iterator: AsyncIterator<object>): Promise<WeakRef<object>> {
  const { value } = await iterator.next();
  return new WeakRef(value);
}

function finished<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.setResult(value);
  return future;
}

describe("asCompleted at scale", () => {
  it("yields 200k finished futures once each, finished first, then in completion order", async () => {
    const done = Array.from({ length: 200_000 }, (_, i) => finished(i));
    const later = Array.from({ length: 1000 }, () => new Future<number>());
    // Every finished future twice, and the pending ones interleaved: duplicates go once.
    const input = [...done, ...later, ...done.slice(0, 50_000), ...later.slice(0, 10)];
    const iterator = asCompleted(input);
    const seen: number[] = [];
    let finishedAt = -1;
    for await (const future of iterator) {
      seen.push(await future.result());
      // Once the finished ones are out, finish the pending ones in reverse order.
      if (seen.length === done.length) {
        finishedAt = seen.length;
        for (let i = later.length - 1; i >= 0; i--) later[i]!.setResult(done.length + i);
      }
    }
    assert.equal(finishedAt, done.length);
    assert.equal(seen.length, done.length + later.length);
    for (let i = 0; i < done.length; i++) if (seen[i] !== i) assert.fail(`position ${i} holds ${seen[i]}`);
    const tail = seen.slice(done.length);
    assert.deepEqual(
      tail,
      later.map((_, i) => done.length + later.length - 1 - i),
      "pending futures come in the order they finished",
    );
  });

  it("counts the timeout from the call and names the unfinished futures", async () => {
    const futures = [finished(1), new Future<number>(), new Future<number>()];
    const iterator = asCompleted(futures, { timeout: 50 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal((await iterator.next()).value, futures[0]);
    await assert.rejects(iterator.next(), (error: Error) => {
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.message, "2 (of 3) futures unfinished");
      return true;
    });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  it("serves overlapping next() calls in order as futures finish", async () => {
    const futures = [new Future<string>(), new Future<string>(), new Future<string>()];
    const iterator = asCompleted(futures);
    const calls = [iterator.next(), iterator.next(), iterator.next(), iterator.next()];
    futures[2]!.setResult("c");
    futures[0]!.setResult("a");
    futures[1]!.cancel();
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.value),
      [futures[2], futures[0], futures[1], undefined],
    );
    assert.equal(results[3]!.done, true);
  });

  it("a timed-out next() does not swallow a future that finishes later for another next()", async () => {
    const future = new Future<number>();
    const iterator = asCompleted([future, new Future<number>()], { timeout: 20 });
    await assert.rejects(iterator.next(), TimeoutError);
    future.setResult(1);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });
});

describe("asCompleted references", () => {
  it("holds no future it has handed out", async () => {
    // Only the iterator knows the futures: the array is gone when this returns.
    const iterator = (() =>
      asCompleted([finished({ n: 1 }), finished({ n: 2 }), new Future<{ n: number }>()]))();
    for (let i = 0; i < 2; i++) {
      const ref = await takeWeakly(iterator);
      await collectGarbage();
      assert.equal(ref.deref(), undefined, `future ${i} is still alive`);
    }
    await iterator.return!();
  });
});

describe("wait and asCompleted options", () => {
  it("refuse a timeout of the wrong type with a TypeError and NaN with a RangeError", async () => {
    const futures = [finished(1)];
    const bad = "soon" as unknown as number;
    assert.throws(() => asCompleted(futures, { timeout: bad }), TypeError);
    assert.throws(() => wait(futures, { timeout: bad }), TypeError);
    await assert.rejects(futures[0]!.result({ timeout: bad }), TypeError);
    await assert.rejects(futures[0]!.exception({ timeout: bad }), TypeError);
    assert.throws(() => asCompleted(futures, { timeout: NaN }), RangeError);
    assert.throws(() => wait(futures, { timeout: NaN }), RangeError);
    assert.throws(() => wait(futures, { timeout: 2 ** 31 }), /at most 2147483647 ms or Infinity/);
  });

  it("refuses a returnWhen that is not a string with a TypeError, an unknown one with a RangeError", () => {
    const futures = [finished(1)];
    assert.throws(() => wait(futures, { returnWhen: 1 as never }), TypeError);
    assert.throws(() => wait(futures, { returnWhen: "SOME_COMPLETED" as never }), RangeError);
  });

  it("waits for ever with timeout Infinity and not at all with a negative timeout", async () => {
    const future = new Future<number>();
    const forever = wait([future], { timeout: Infinity });
    const none = await wait([future], { timeout: -5 });
    assert.equal(none.notDone.size, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    future.setResult(1);
    assert.equal((await forever).done.size, 1);
    assert.equal(await future.result({ timeout: Infinity }), 1);
  });
});

describe("futures from different executors", () => {
  it("asCompleted and wait take futures of all three executors together", async () => {
    await using inProcess = new AsyncExecutor({ maxWorkers: 2 });
    await using threads = new ThreadPoolExecutor({ maxWorkers: 2 });
    await using processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    const futures = [
      threads.submit(sleep, 60, "thread"),
      processes.submit(sleep, 10, "process"),
      inProcess.submit(sleep, 30, "async"),
      threads.submit(whereAmI),
    ];
    const finishedInOrder: unknown[] = [];
    for (const future of futures) future.addDoneCallback((f) => finishedInOrder.push(f));
    const yielded: unknown[] = [];
    for await (const future of asCompleted(futures, { timeout: 60_000 })) {
      assert.ok(future.done());
      yielded.push(future);
    }
    assert.deepEqual(yielded, finishedInOrder, "yielded in the order they finished");
    assert.equal(new Set(yielded).size, futures.length);
    const { done, notDone } = await wait(futures);
    assert.equal(done.size, futures.length);
    assert.equal(notDone.size, 0);
    assert.deepEqual((await Promise.all(futures.slice(0, 3).map((future) => future.result()))).sort(), [
      "async",
      "process",
      "thread",
    ]);
  });
});
