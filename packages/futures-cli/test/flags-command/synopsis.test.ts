// The README's synopsis of `futures flags` and its --help name the same options.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_DIR, runCli } from "../helpers/cli.ts";

/** Long options (`--max-req`) and short ones (`-m`) named in `text`, sorted and unique. */
function optionNames(text: string): string[] {
  return [...new Set(text.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? [])].sort();
}

describe("futures flags synopsis", () => {
  it("names in the README every option that --help lists, and no other", async () => {
    const readme = await readFile(join(PACKAGE_DIR, "README.md"), "utf8");
    const synopsis = /```\n(futures flags \[CC \.\.\.\][^`]*)```/.exec(readme)?.[1];
    assert.ok(synopsis, "the README has a synopsis of futures flags");
    const help = await runCli(["flags", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    const options = help.stdout.slice(
      help.stdout.indexOf("Options:"),
      help.stdout.indexOf("\n\n", help.stdout.indexOf("Options:")),
    );
    const listed = optionNames(
      options
        .split("\n")
        .filter((line) => /^ {2}-/.test(line))
        .map((line) => line.trim().split(/\s{2,}/)[0])
        .join(" "),
    ).filter((name) => name !== "-h" && name !== "--help");
    assert.ok(listed.includes("--max-filesize"), listed.join(" "));
    assert.deepEqual(optionNames(synopsis), listed);
  });
});
