// The README's usage examples are the files in examples/, shown verbatim, with their real output.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url)); // the package folder
const readme = readFileSync(`${root}/README.md`, "utf8");

describe("README examples", () => {
  for (const file of ["examples/tasks.ts", "examples/library.ts", "examples/abortable.ts"]) {
    it(`shows ${file} as it is`, () => {
      assert.ok(readme.includes(readFileSync(`${root}/${file}`, "utf8")), `${file} differs from the README`);
    });
  }

  for (const file of ["examples/library.ts", "examples/abortable.ts"]) {
    it(`prints what the README says ${file} prints`, () => {
      const output = execFileSync(process.execPath, [...process.execArgv, file], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.ok(readme.includes("```\n" + output + "```"), `README does not show this output:\n${output}`);
    });
  }
});
