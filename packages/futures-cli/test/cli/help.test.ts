// Every --help of the built command, as an installed `futures` prints it: within 80 columns,
// descriptions that start in lower case, defaults as typed (`(default: 5)`), a Usage synopsis
// that names every option, and the README's Usage blocks exactly as the command prints them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { PACKAGE_DIR } from "../helpers/cli.ts";

const BIN = join(PACKAGE_DIR, "bin", "futures.js");
/** The README documents the synopsis of these, each in a Usage block. */
const IN_README = ["flags", "serve", "worker", "status", "dashboard", "arcfour", "sha", "primes", "bench"];

/** `futures ...command --help` of the built command, by the command's words ("" for the top). */
const helps = new Map<string, string>();

function help(command: string): string {
  return execFileSync(process.execPath, [BIN, ...command.split(" ").filter(Boolean), "--help"], {
    cwd: PACKAGE_DIR,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 60_000,
  });
}

/** The subcommands a help lists under "Commands:", but `help`. */
function subcommands(text: string): string[] {
  const list = text
    .slice(text.indexOf("\nCommands:\n") + 1)
    .split("\n")
    .slice(1);
  return list
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => line.trim().split(" ")[0]!)
    .filter((name) => name !== "help");
}

/** The Usage lines at the top of a help. */
function usage(text: string): string {
  return text.slice(0, text.indexOf("\n\n") + 1);
}

/** The lines of the help's Options section. */
function optionLines(text: string): string[] {
  const start = text.indexOf("\nOptions:\n");
  return text.slice(start + "\nOptions:\n".length, text.indexOf("\n\n", start + 1)).split("\n");
}

/** The contents of a Markdown text's fenced code blocks. */
function fencedBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let open: string[] | undefined;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      if (open) blocks.push(open.map((text) => `${text}\n`).join(""));
      open = open ? undefined : [];
    } else open?.push(line);
  }
  return blocks;
}

describe("futures --help of every command", () => {
  before(() => {
    // Bring dist/ up to date with the sources first (quick when it is), as `npm start` does.
    execFileSync(process.execPath, [join(PACKAGE_DIR, "scripts", "build.mjs")], {
      cwd: PACKAGE_DIR,
      stdio: "pipe",
      timeout: 600_000,
    });
    const pending = [""];
    while (pending.length > 0) {
      const command = pending.shift()!;
      const text = help(command);
      helps.set(command, text);
      if (text.includes("\nCommands:\n"))
        pending.push(...subcommands(text).map((name) => `${command} ${name}`.trim()));
    }
  });

  it("covers every command", () => {
    const names = [...helps.keys()].sort();
    assert.deepEqual(names, [
      "",
      "arcfour",
      "bench",
      "dashboard",
      "demo",
      "demo as-completed",
      "demo map",
      "demo primes",
      "flags",
      "primes",
      "serve",
      "sha",
      "status",
      "worker",
    ]);
  });

  it("keeps every line within 80 columns", () => {
    for (const [command, text] of helps) {
      const wide = text.split("\n").filter((line) => line.length > 80);
      assert.deepEqual(wide, [], `futures ${command} --help`);
    }
  });

  it("starts every description in lower case", () => {
    for (const [command, text] of helps) {
      const description = text.split("\n\n")[1]!;
      assert.match(description, /^[a-z]/, `futures ${command} --help`);
      for (const line of text.includes("\nCommands:\n") ? text.split("\nCommands:\n")[1]!.split("\n") : []) {
        const term = /^ {2}\S+(?: \S+)*? {2,}(\S)/.exec(line);
        if (term) assert.match(term[1]!, /[a-z]/, `${command}: ${line}`);
      }
    }
  });

  it("shows defaults and choices as typed, always after a colon", () => {
    for (const [command, text] of helps) {
      const flat = text.replace(/\s+/g, " ");
      assert.doesNotMatch(flat, /\(default [^:]/, `futures ${command} --help`);
      assert.doesNotMatch(flat, /(default|choices): "/, `futures ${command} --help`);
    }
    assert.match(helps.get("flags")!.replace(/\s+/g, " "), /--timeout <SECONDS> .* \(default: 5\)/);
  });

  it("names every option in the Usage synopsis", () => {
    for (const [command, text] of helps) {
      if (text.includes("\nCommands:\n")) continue;
      const synopsis = usage(text);
      for (const line of optionLines(text)) {
        const long = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line)?.[1];
        if (long && long !== "--help")
          assert.ok(synopsis.includes(long), `futures ${command}: ${long} in\n${synopsis}`);
      }
    }
  });

  it("has the README show each Usage block as the command prints it", () => {
    const blocks = fencedBlocks(readFileSync(join(PACKAGE_DIR, "README.md"), "utf8"));
    const shown = new Set<string>();
    for (const block of blocks) {
      for (const chunk of block.split(/^(?=Usage: futures )/m).filter((text) => text.startsWith("Usage: "))) {
        const words = chunk.split(/\s+/).slice(2);
        const command = words
          .slice(
            0,
            words.findIndex((word) => !/^[a-z][a-z-]*$/.test(word)),
          )
          .join(" ");
        assert.ok(helps.has(command), `the README shows a Usage of an unknown command: ${chunk}`);
        assert.ok(
          usage(helps.get(command)!).includes(chunk),
          `README:\n${chunk}\n--help:\n${usage(helps.get(command)!)}`,
        );
        shown.add(command);
      }
    }
    assert.deepEqual([...shown].sort(), [...IN_README].sort());
  });
});
