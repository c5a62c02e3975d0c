// Which Node options a pool's workers inherit (pure, no worker started).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withoutRejectedThreadFlags, workerExecArgv } from "../src/worker-exec-argv.ts";

describe("workerExecArgv", () => {
  it("keeps loaders, conditions, experimental and memory flags", () => {
    const argv = [
      "--import",
      "tsx",
      "--require=./setup.cjs",
      "--loader",
      "./hooks.mjs",
      "--conditions=development",
      "-C",
      "custom",
      "--experimental-vm-modules",
      "--max-old-space-size=512",
      "--enable-source-maps",
      "--inspect=0",
    ];
    assert.deepEqual(workerExecArgv(argv), argv);
  });

  it("drops what only the parent was asked to do, with the values those options take", () => {
    assert.deepEqual(workerExecArgv(["--input-type=module", "-e", "console.log(1)"]), []);
    assert.deepEqual(workerExecArgv(["--import", "tsx", "--input-type", "module", "--eval", "x"]), [
      "--import",
      "tsx",
    ]);
    assert.deepEqual(workerExecArgv(["-pe", "process.execArgv"]), []);
    assert.deepEqual(workerExecArgv(["-p", "1", "--no-warnings"]), ["--no-warnings"]);
    assert.deepEqual(
      workerExecArgv([
        "--test",
        "--test-reporter",
        "spec",
        "--test-timeout=5",
        "--test-only",
        "--import",
        "tsx",
      ]),
      ["--import", "tsx"],
    );
    assert.deepEqual(workerExecArgv(["--watch", "--watch-path", "src", "--enable-source-maps"]), [
      "--enable-source-maps",
    ]);
    assert.deepEqual(workerExecArgv(["--inspect", "--inspect-brk=9229", "--inspect-port", "9230"]), []);
  });
});

describe("withoutRejectedThreadFlags", () => {
  it("leaves out the flags a worker thread names in its error, and only for that error", () => {
    const error = Object.assign(
      new Error("Initiated Worker with invalid execArgv flags: --max-old-space-size=512, --expose-gc"),
      { code: "ERR_WORKER_INVALID_EXEC_ARGV" },
    );
    assert.deepEqual(
      withoutRejectedThreadFlags(["--import", "tsx", "--max-old-space-size=512", "--expose-gc"], error),
      ["--import", "tsx"],
    );
    assert.equal(withoutRejectedThreadFlags(["--import", "tsx"], new Error("other")), undefined);
  });
});
