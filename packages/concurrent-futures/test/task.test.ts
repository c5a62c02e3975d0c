// The TypeError a pool gives for a function that is not a task: it says what to write.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { taskRef } from "../src/task.ts";

describe("taskRef of a plain function", () => {
  it("shows the task() line to write with the function's own name", () => {
    function cube(n: number) {
      return n ** 3;
    }
    assert.throws(
      () => taskRef(cube, "ThreadPoolExecutor"),
      /^TypeError: ThreadPoolExecutor runs functions by reference: export cube as task\(import\.meta\.url, "cube", fn\)/,
    );
  });

  it("asks for the exported name when the function has none, never a placeholder to copy", () => {
    const error = (() => {
      try {
        taskRef([(n: number) => n ** 3][0], "ProcessPoolExecutor");
      } catch (thrown) {
        return thrown as Error;
      }
      assert.fail("taskRef accepted a plain function");
    })();
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /runs functions by reference, and this one has no name/);
    assert.match(error.message, /with myTask \(twice\) replaced by the name you export it under/);
    assert.doesNotMatch(error.message, /"this function"/);
  });
});
