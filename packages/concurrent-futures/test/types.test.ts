// The typed contract. `npm run typecheck` checks this file: each @ts-expect-error must meet
// an error. The tests also run, so every line holds at run time too, and one test compiles
// snippets with the TypeScript API to read the message a user gets.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import {
  AsyncExecutor,
  Future,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  asCompleted,
  wait,
  type Executor,
} from "../src/index.ts";
import { QueueExecutor, WorkerLostError, type QueueFuture } from "../src/queue-executor/index.ts";
import { add, notATask, square } from "./fixtures/tasks.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

function finished<T>(value: T): Future<T> {
  const future = new Future<T>();
  future.setResult(value);
  return future;
}

/** Type-check `code` as if it were a file in this folder; returns the error messages. */
function compileErrors(code: string): string[] {
  const configPath = ts.findConfigFile(here, ts.sys.fileExists)!;
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(String(diagnostic.messageText)),
    },
  )!;
  const virtual = path.join(here, "virtual-snippet.ts").replaceAll(path.sep, "/");
  const options = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === virtual
      ? ts.createSourceFile(name, code, language)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === virtual || fileExists.call(host, name);
  const program = ts.createProgram([virtual], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(virtual))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

describe("types: futures of different result types", () => {
  it("wait() takes them together and gives the union of their results", async () => {
    const object = finished({ cc: "BR" });
    const text = finished("BR");
    const { done, notDone } = await wait([object, text]);
    const results: ({ cc: string } | string)[] = [];
    for (const future of done) results.push(await future.result());
    assert.deepEqual(results, [{ cc: "BR" }, "BR"]);
    assert.equal(notDone.size, 0);
    const first = [...done][0]!;
    // @ts-expect-error the result is the union, not one of its members
    const narrowed: string = await first.result();
    assert.deepEqual(narrowed, { cc: "BR" });
  });

  it("asCompleted() takes them together and yields futures of the union", async () => {
    const results: (number | string | { cc: string })[] = [];
    for await (const future of asCompleted([finished(1), finished("BR"), finished({ cc: "BR" })])) {
      results.push(await future.result());
    }
    assert.deepEqual(results, [1, "BR", { cc: "BR" }]);
  });

  it("wait() keeps a single result type exact", async () => {
    const { done } = await wait([finished(2), finished(3)]);
    let sum = 0;
    for (const future of done) sum += await future.result();
    assert.equal(sum, 5);
  });
});

describe("types: pools take tasks, AsyncExecutor any function", () => {
  it("pools refuse a plain function at compile time and at run time, naming task()", async () => {
    for (const pool of [
      new ThreadPoolExecutor({ maxWorkers: 1 }),
      new ProcessPoolExecutor({ maxWorkers: 1 }),
    ]) {
      try {
        const byReference = /task\(import\.meta\.url, "notATask", fn\)/;
        // @ts-expect-error a pool runs only functions made by task()
        assert.throws(() => pool.submit(notATask, 1), byReference);
        // @ts-expect-error a pool runs only functions made by task()
        assert.throws(() => pool.submitWith({}, notATask, 1), byReference);
        // @ts-expect-error a pool runs only functions made by task()
        assert.throws(() => pool.map(notATask, [1]), byReference);
        const sum: Future<number> = pool.submit(add, 2, 3);
        assert.equal(await sum, 5);
        const squares: number[] = [];
        for await (const value of pool.map(square, [1, 2, 3])) squares.push(value);
        assert.deepEqual(squares, [1, 4, 9]);
      } finally {
        await pool.shutdown();
      }
    }
  });

  it("pools take only a task as initializer", () => {
    const byReference = /task\(import\.meta\.url, "notATask", fn\)/;
    // @ts-expect-error an initializer runs in the workers: it must be made by task()
    assert.throws(() => new ThreadPoolExecutor({ initializer: notATask }), byReference);
    // @ts-expect-error an initializer runs in the workers: it must be made by task()
    assert.throws(() => new ProcessPoolExecutor({ initializer: notATask }), byReference);
  });

  it("checks a task's arguments and result", () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    // Compiled, never called: these lines exist for the type checker.
    const neverCalled = (): void => {
      // @ts-expect-error square takes a number
      pool.submit(square, "3");
      // @ts-expect-error add takes two arguments
      pool.submit(add, 1);
      // @ts-expect-error square returns a number
      const text: Future<string> = pool.submit(square, 3);
      void text;
    };
    assert.equal(typeof neverCalled, "function");
  });

  it("AsyncExecutor takes any function, and every executor is an Executor", async () => {
    await using executor = new AsyncExecutor({ maxWorkers: 1 });
    const doubled: Future<number> = executor.submit((n: number) => n * 2, 21);
    assert.equal(await doubled, 42);
    const lengths: number[] = [];
    for await (const value of executor.map((s: string) => s.length, ["a", "bb"])) lengths.push(value);
    assert.deepEqual(lengths, [1, 2]);
    const executors: Executor[] = [executor, new ThreadPoolExecutor(), new ProcessPoolExecutor()];
    assert.equal(executors.length, 3);
  });

  it("the compile error for a plain function on a pool names task()", { timeout: 60_000 }, () => {
    const errors = compileErrors(`
      import { ThreadPoolExecutor, ProcessPoolExecutor } from "../src/index.ts";
      const plain = (n: number) => n * 2;
      new ThreadPoolExecutor().submit(plain, 1);
      new ProcessPoolExecutor().map(plain, [1]);
    `);
    assert.equal(errors.length, 2, errors.join("\n"));
    for (const error of errors) assert.match(error, /WrapTheFunctionWithTask/);
    assert.deepEqual(
      compileErrors(`
        import { AsyncExecutor, ThreadPoolExecutor, task } from "../src/index.ts";
        const double = task(import.meta.url, "double", (n: number) => n * 2);
        new ThreadPoolExecutor().submit(double, 1);
        new AsyncExecutor().submit((n: number) => n * 2, 1);
      `),
      [],
    );
  });
});

describe("types: a queue's submit options", () => {
  it("QueueExecutor's futures count attempts; submitWith takes priority and retries, the local pools do not", () => {
    // Type-checked, never called: a QueueExecutor needs a Redis.
    const neverCalled = (queue: QueueExecutor, pool: ThreadPoolExecutor): number => {
      const future: QueueFuture<number> = queue.submitWith(
        {
          priority: 1,
          retries: 2,
          backoff: { delay: 100, max: 5000 },
          retryOn: ["WorkerLostError", "ECONNRESET"],
        },
        add,
        1,
        2,
      );
      const attempts: number = future.attempts + queue.submit(square, 3).attempts;
      queue.submitWith(
        { retries: 1, backoff: 50, retryOn: (error) => error instanceof WorkerLostError },
        add,
        1,
        2,
      );
      // @ts-expect-error retryOn names errors (or is a predicate); a class is not a name
      queue.submitWith({ retries: 1, retryOn: [WorkerLostError] }, add, 1, 2);
      // @ts-expect-error priority is a number
      queue.submitWith({ priority: "high" }, add, 1, 2);
      // @ts-expect-error the local executors take no retries (see the README)
      pool.submitWith({ retries: 1 }, add, 1, 2);
      // @ts-expect-error attempts is read-only
      future.attempts = 2;
      new QueueExecutor({ queue: "q", retries: 3, retryOn: ["WorkerLostError"], priority: 10 });
      return attempts;
    };
    assert.equal(typeof neverCalled, "function");
  });
});
