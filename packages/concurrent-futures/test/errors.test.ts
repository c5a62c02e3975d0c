// The library's errors: one base class, a stable code per class, instanceof across two loaded
// copies of the package, and library errors raised in a worker coming back as their classes.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as root from "concurrent-futures";
import * as queue from "concurrent-futures/queue";
import { fromErrorRecord, toErrorRecord } from "../src/remote-error.ts";
import { encodeOutcome, readOutcome } from "../src/queue-executor/payload.ts";
import { raiseLibraryError } from "./fixtures/error-tasks.ts";

const { FuturesError } = root;

/** Every error class the package exports, with its code; codes are public API, never reused. */
const CODES: Record<string, string> = {
  FuturesError: "ERR_FUTURES",
  CancelledError: "ERR_FUTURES_CANCELLED",
  TimeoutError: "ERR_FUTURES_TIMEOUT",
  InvalidStateError: "ERR_FUTURES_INVALID_STATE",
  ShutdownError: "ERR_FUTURES_SHUTDOWN",
  BrokenExecutor: "ERR_FUTURES_BROKEN_EXECUTOR",
  BrokenThreadPool: "ERR_FUTURES_BROKEN_THREAD_POOL",
  BrokenProcessPool: "ERR_FUTURES_BROKEN_PROCESS_POOL",
  RemoteTraceback: "ERR_FUTURES_REMOTE_TRACEBACK",
  BrokenQueueExecutor: "ERR_FUTURES_BROKEN_QUEUE_EXECUTOR",
  WorkerLostError: "ERR_FUTURES_WORKER_LOST",
  QueueUnavailableError: "ERR_FUTURES_QUEUE_UNAVAILABLE",
  UntrustedJobError: "ERR_FUTURES_UNTRUSTED_JOB",
  CallNotFoundError: "ERR_FUTURES_CALL_NOT_FOUND",
};

type ErrorClass = new (message?: string, options?: ErrorOptions) => Error;

/** The exports of both subpaths that are Error classes, found by looking, not by a list. */
const errorClasses = Object.entries<unknown>({ ...root, ...queue }).filter(
  (entry): entry is [string, ErrorClass] =>
    typeof entry[1] === "function" &&
    Object.prototype.isPrototypeOf.call(Error.prototype, entry[1].prototype),
);

describe("the library's errors", () => {
  it("finds every exported error class in the table of codes", () => {
    assert.deepEqual(errorClasses.map(([name]) => name).sort(), Object.keys(CODES).sort());
  });

  for (const [name, Class] of errorClasses) {
    it(`${name} extends FuturesError and carries ${CODES[name] ?? "a code"}`, () => {
      const error = new Class("a message");
      assert.ok(error instanceof FuturesError);
      assert.ok(error instanceof Error);
      assert.ok(Object.prototype.isPrototypeOf.call(FuturesError.prototype, error), "a real subclass");
      assert.equal(error.name, name);
      assert.equal((error as InstanceType<typeof FuturesError>).code, CODES[name]);
      assert.match(String((error as { code: unknown }).code), /^ERR_FUTURES(_[A-Z]+)*$/);
    });
  }

  it("gives every class its own code", () => {
    const codes = errorClasses.map(([, Class]) => (new Class("m") as InstanceType<typeof FuturesError>).code);
    assert.equal(new Set(codes).size, codes.length);
  });

  it("keeps the hierarchy, the messages and the { cause } option", () => {
    assert.equal(Object.getPrototypeOf(root.BrokenThreadPool), root.BrokenExecutor);
    assert.equal(Object.getPrototypeOf(root.BrokenProcessPool), root.BrokenExecutor);
    assert.equal(Object.getPrototypeOf(queue.BrokenQueueExecutor), root.BrokenExecutor);
    assert.equal(Object.getPrototypeOf(root.BrokenExecutor), FuturesError);
    assert.equal(Object.getPrototypeOf(FuturesError), Error);
    assert.equal(new root.CancelledError().message, "the future was cancelled");
    assert.equal(new root.ShutdownError().message, "cannot schedule new futures after shutdown");
    const cause = new Error("why");
    for (const [, Class] of errorClasses) {
      if (Class === (root.RemoteTraceback as unknown)) continue; // (stack, cause)
      assert.equal(new Class("m", { cause }).cause, cause);
    }
    assert.equal(new root.RemoteTraceback("stack", cause).cause, cause);
  });

  it("answers instanceof by kind: a parent's instance is not a subclass, siblings differ", () => {
    assert.ok(new root.BrokenThreadPool("x") instanceof root.BrokenExecutor);
    assert.ok(!(new root.BrokenExecutor("x") instanceof root.BrokenThreadPool));
    assert.ok(!(new root.BrokenThreadPool("x") instanceof root.BrokenProcessPool));
    assert.ok(!(new root.CancelledError() instanceof root.TimeoutError));
    assert.ok(!(new root.TimeoutError("x") instanceof root.CancelledError));
    assert.ok(!(new Error("x") instanceof FuturesError));
    assert.ok(!((null as unknown) instanceof FuturesError));
    assert.ok(!(("ERR_FUTURES" as unknown) instanceof FuturesError));
    // A DOMException named TimeoutError (AbortSignal.timeout) is not the library's TimeoutError.
    assert.ok(!(new DOMException("late", "TimeoutError") instanceof root.TimeoutError));
  });

  it("gives a user's subclass ordinary instanceof", () => {
    class RetryTimeout extends root.TimeoutError {}
    assert.ok(new RetryTimeout("x") instanceof RetryTimeout);
    assert.ok(new RetryTimeout("x") instanceof root.TimeoutError);
    assert.ok(new RetryTimeout("x") instanceof FuturesError);
    assert.ok(!(new root.TimeoutError("x") instanceof RetryTimeout));
    assert.equal(new RetryTimeout("x").code, "ERR_FUTURES_TIMEOUT");
  });
});

describe("instanceof across two copies of the package", () => {
  // A second copy of the library's sources in its own folder is a second module graph, as a
  // bundled CLI beside dist/ is; the installed tarball is checked the same way in package.test.
  const sources = fileURLToPath(new URL("../src/", import.meta.url));
  let folder: string;
  let copyB: typeof root;
  let queueB: {
    BrokenQueueExecutor: typeof queue.BrokenQueueExecutor;
    WorkerLostError: typeof queue.WorkerLostError;
  };

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "concurrent-futures-copy-"));
    cpSync(sources, path.join(folder, "src"), { recursive: true });
    copyB = (await import(pathToFileURL(path.join(folder, "src", "index.ts")).href)) as typeof root;
    queueB = await import(pathToFileURL(path.join(folder, "src", "queue-executor", "errors.ts")).href);
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it("really loaded a second copy", () => {
    assert.notEqual(copyB.BrokenThreadPool, root.BrokenThreadPool);
    assert.notEqual(copyB.FuturesError, FuturesError);
  });

  it("recognizes the other copy's errors by kind, both ways", () => {
    assert.ok(new copyB.BrokenThreadPool("x") instanceof root.BrokenThreadPool);
    assert.ok(new copyB.BrokenThreadPool("x") instanceof root.BrokenExecutor);
    assert.ok(new copyB.BrokenThreadPool("x") instanceof FuturesError);
    assert.ok(new root.BrokenThreadPool("x") instanceof copyB.BrokenExecutor);
    assert.ok(new queueB.BrokenQueueExecutor("x") instanceof root.BrokenExecutor);
    assert.ok(new queueB.WorkerLostError("x") instanceof queue.WorkerLostError);
    assert.ok(new copyB.RemoteTraceback("stack") instanceof root.RemoteTraceback);
  });

  it("keeps kinds apart across copies", () => {
    assert.ok(!(new copyB.CancelledError() instanceof root.TimeoutError));
    assert.ok(!(new copyB.TimeoutError("x") instanceof root.CancelledError));
    assert.ok(!(new copyB.BrokenExecutor("x") instanceof root.BrokenThreadPool));
    assert.ok(!(new queueB.WorkerLostError("x") instanceof root.BrokenExecutor));
    assert.ok(new copyB.CancelledError() instanceof root.CancelledError);
  });
});

describe("library errors raised in a worker", () => {
  it("come back from an error record as their own class, with name, message, code and cause", () => {
    for (const [name, Class] of errorClasses) {
      if (Class === (root.RemoteTraceback as unknown)) continue;
      const rebuilt = fromErrorRecord(
        toErrorRecord(new Class("far away", { cause: new TypeError("inner") })),
      );
      assert.ok(rebuilt instanceof Class, name);
      assert.equal(rebuilt.name, name);
      assert.equal(rebuilt.message, "far away");
      assert.equal((rebuilt as { code?: unknown }).code, CODES[name]);
      assert.ok(rebuilt.cause instanceof root.RemoteTraceback, "the remote stack is kept");
    }
  });

  it("keep a subclass's name and its code when the subclass itself is unknown here", () => {
    class RetryTimeout extends root.TimeoutError {
      override name = "RetryTimeout";
    }
    const rebuilt = fromErrorRecord(toErrorRecord(new RetryTimeout("late")));
    assert.ok(rebuilt instanceof root.TimeoutError);
    assert.equal(rebuilt.name, "RetryTimeout");
  });

  it("do not turn a foreign error with a like name into a library error", () => {
    const rebuilt = fromErrorRecord(toErrorRecord(new DOMException("late", "TimeoutError")));
    assert.ok(!(rebuilt instanceof root.TimeoutError));
    assert.equal(rebuilt.name, "TimeoutError");
  });

  it("come back from a queue job's outcome as their own class", () => {
    const { ok, value } = readOutcome(
      encodeOutcome(false, new queue.WorkerLostError("gone"), 1 << 20, { w: "w", h: "h", p: 1, c: 1, r: 0 }),
      1 << 20,
    );
    assert.equal(ok, false);
    assert.ok(value instanceof queue.WorkerLostError);
    assert.equal((value as InstanceType<typeof queue.WorkerLostError>).code, "ERR_FUTURES_WORKER_LOST");
  });

  for (const Executor of [root.ThreadPoolExecutor, root.ProcessPoolExecutor]) {
    it(`come back from a ${Executor.name} task as their own class`, async () => {
      await using executor = new Executor({ maxWorkers: 1 });
      for (const name of [
        "CancelledError",
        "TimeoutError",
        "InvalidStateError",
        "BrokenProcessPool",
      ] as const) {
        const error = await executor.submit(raiseLibraryError, name, `raised as ${name}`).exception();
        assert.ok(error instanceof root[name], `${name} came back as ${String(error)}`);
        assert.equal((error as InstanceType<typeof FuturesError>).code, CODES[name]);
        assert.equal(error.message, `raised as ${name}`);
      }
      // A task that raises TimeoutError does not look like a cancelled one, and vice versa.
      const timeout = await executor.submit(raiseLibraryError, "TimeoutError", "t").exception();
      assert.ok(!(timeout instanceof root.CancelledError));
    });
  }
});
