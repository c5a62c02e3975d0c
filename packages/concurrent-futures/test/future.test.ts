import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import {
  CancelledError,
  Future,
  InvalidStateError,
  TimeoutError,
  setCallbackErrorReporter,
} from "../src/index.ts";
import { kAddWaiter, kRemoveWaiter } from "../src/future.ts";

function finished<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.setResult(value);
  return future;
}

function failed(error: unknown): Future<unknown> {
  const future = new Future<unknown>();
  future.setException(error);
  return future;
}

describe("Future states", () => {
  it("starts pending and moves to running and finished", () => {
    const future = new Future<number>();
    assert.equal(future.state, "pending");
    assert.equal(future.done(), false);
    assert.equal(future.running(), false);
    assert.equal(future.setRunningOrNotifyCancel(), true);
    assert.equal(future.running(), true);
    future.setResult(42);
    assert.equal(future.done(), true);
    assert.equal(future.running(), false);
    assert.equal(future.cancelled(), false);
  });

  it("cancels only a pending future", () => {
    const pending = new Future();
    assert.equal(pending.cancel(), true);
    assert.equal(pending.cancelled(), true);
    assert.equal(pending.done(), true);
    assert.equal(pending.cancel(), true, "cancelling twice still answers true");
    const running = new Future();
    running.setRunningOrNotifyCancel();
    assert.equal(running.cancel(), false);
    assert.equal(finished(1).cancel(), false);
  });

  it("setRunningOrNotifyCancel answers false for a cancelled future and throws when finished", () => {
    const cancelled = new Future();
    cancelled.cancel();
    assert.equal(cancelled.setRunningOrNotifyCancel(), false);
    assert.throws(() => finished(1).setRunningOrNotifyCancel(), InvalidStateError);
  });

  it("refuses to be set twice", () => {
    assert.throws(() => finished(1).setResult(2), InvalidStateError);
    assert.throws(() => finished(1).setException(new Error("x")), InvalidStateError);
    assert.throws(() => failed(new Error("x")).setResult(1), InvalidStateError);
    const cancelled = new Future();
    cancelled.cancel();
    assert.throws(() => cancelled.setResult(1), InvalidStateError);
  });

  it("prints its state like the book", () => {
    const future = new Future<string>();
    assert.equal(String(future), "Future<state=pending>");
    future.setRunningOrNotifyCancel();
    assert.equal(inspect(future), "Future<state=running>");
    future.setResult("BR");
    assert.equal(String(future), "Future<state=finished returned string>");
    assert.equal(String(failed(new TypeError("x"))), "Future<state=finished raised TypeError>");
    const cancelled = new Future();
    cancelled.cancel();
    assert.equal(String(cancelled), "Future<state=cancelled>");
  });
});

describe("Future results", () => {
  it("gives its result to result() and to await", async () => {
    const future = finished("BR");
    assert.equal(await future.result(), "BR");
    assert.equal(await future, "BR");
    assert.equal(await future.exception(), undefined);
  });

  it("rejects with the error it was given", async () => {
    const error = new RangeError("nope");
    const future = failed(error);
    await assert.rejects(future.result(), (e) => e === error);
    await assert.rejects(
      async () => await future,
      (e) => e === error,
    );
    assert.equal(await future.exception(), error);
  });

  it("raises CancelledError from result() and exception() when cancelled", async () => {
    const future = new Future();
    future.cancel();
    await assert.rejects(future.result(), CancelledError);
    await assert.rejects(future.exception(), CancelledError);
  });

  it("times out result() and exception() without changing the future", async () => {
    const future = new Future();
    await assert.rejects(future.result({ timeout: 20 }), TimeoutError);
    await assert.rejects(future.exception({ timeout: 0 }), TimeoutError);
    assert.equal(future.state, "pending");
  });

  it("wakes every waiter when it finishes later", async () => {
    const future = new Future<number>();
    const waiters = [future.result(), future.result({ timeout: 5000 }), Promise.resolve(future)];
    setTimeout(() => future.setResult(7), 10);
    assert.deepEqual(await Promise.all(waiters), [7, 7, 7]);
  });

  it("never causes an unhandled rejection when nobody awaits a failure", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      failed(new Error("ignored"));
      const later = new Future();
      later.setException(new Error("ignored later"));
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe("Future callbacks", () => {
  it("calls callbacks in the order added, once, with the future", () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback((f) => calls.push(`a ${f === future}`));
    future.addDoneCallback(() => calls.push("b"));
    assert.deepEqual(calls, []);
    future.setResult(1);
    assert.deepEqual(calls, ["a true", "b"]);
  });

  it("calls a callback at once when the future is already done, cancelled or failed", () => {
    const calls: string[] = [];
    finished(1).addDoneCallback(() => calls.push("result"));
    failed(new Error("x")).addDoneCallback(() => calls.push("exception"));
    const cancelled = new Future();
    cancelled.cancel();
    cancelled.addDoneCallback((f) => calls.push(`cancelled ${f.cancelled()}`));
    assert.deepEqual(calls, ["result", "exception", "cancelled true"]);
  });

  it("calls callbacks on cancel", () => {
    const future = new Future();
    let called = 0;
    future.addDoneCallback(() => called++);
    future.cancel();
    assert.equal(called, 1);
  });

  it("reports a throwing callback and still runs the others", () => {
    const reported: unknown[] = [];
    const previous = setCallbackErrorReporter((error) => reported.push(error));
    try {
      const future = new Future();
      const calls: number[] = [];
      future.addDoneCallback(() => calls.push(1));
      future.addDoneCallback(() => {
        throw new Error("callback failed");
      });
      future.addDoneCallback(() => calls.push(3));
      future.setResult("x");
      assert.deepEqual(calls, [1, 3]);
      assert.equal(reported.length, 1);
      assert.equal((reported[0] as Error).message, "callback failed");
    } finally {
      setCallbackErrorReporter(previous);
    }
  });
  it("reports an async callback that rejects and still runs the others", async () => {
    const reported: unknown[] = [];
    const previous = setCallbackErrorReporter((error, future) => reported.push([error, future]));
    try {
      const future = new Future();
      const calls: number[] = [];
      future.addDoneCallback(async (f) => {
        await f.result();
      });
      future.addDoneCallback(() => calls.push(2));
      future.setException(new Error("task failed"));
      assert.deepEqual(calls, [2]);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(reported.length, 1);
      const [error, reportedFuture] = reported[0] as [Error, Future];
      assert.equal(error.message, "task failed");
      assert.equal(reportedFuture, future);
    } finally {
      setCallbackErrorReporter(previous);
    }
  });

  it("a program whose async callback rejects logs it and exits 0", () => {
    const script = fileURLToPath(new URL("./fixtures/rejecting-callback.ts", import.meta.url));
    const run = spawnSync(process.execPath, [...process.execArgv, script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /went on/);
    assert.match(run.stderr, /exception calling callback for Future<state=finished raised Error>/);
    assert.match(run.stderr, /task failed/);
  });
});

describe("Future waiters (what wait() and asCompleted() listen with)", () => {
  it("calls each waiter once, forgets removed ones, from one waiter to many and back", () => {
    const calls: string[] = [];
    const a = () => calls.push("a");
    const b = () => calls.push("b");
    const c = () => calls.push("c");
    const one = new Future();
    one[kAddWaiter](a);
    one[kAddWaiter](a);
    one.setResult(1);
    const many = new Future();
    many[kAddWaiter](a);
    many[kAddWaiter](b);
    many[kAddWaiter](c);
    many[kRemoveWaiter](a);
    many.setResult(2);
    const none = new Future();
    none[kAddWaiter](c);
    none[kRemoveWaiter](c);
    none.cancel();
    assert.deepEqual(calls, ["a", "b", "c"]);
  });
});
