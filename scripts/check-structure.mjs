// Structure check run by `npm run lint`: every TypeScript source file under packages/*/src
// opens with a `//` comment line saying what it is for, and stays under MAX_LINES lines, so
// that each file can be read in one sitting. A `#!` line may come before the comment. Prints
// one line per offender and fails.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAX_LINES = 300;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Relative paths (with /) of the .ts files under each packages/<name>/src. */
function sourceFiles() {
  const files = [];
  const packages = path.join(root, "packages");
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    const src = path.join(packages, entry.name, "src");
    if (!entry.isDirectory()) continue;
    let names;
    try {
      names = readdirSync(src, { recursive: true });
    } catch {
      continue; // a package without src/
    }
    for (const name of names) {
      if (String(name).endsWith(".ts"))
        files.push(
          path
            .relative(root, path.join(src, String(name)))
            .split(path.sep)
            .join("/"),
        );
    }
  }
  return files.sort();
}

function problems(file) {
  const text = readFileSync(path.join(root, file), "utf8");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const found = [];
  const first = lines[0]?.startsWith("#!") ? lines[1] : lines[0];
  if (!first?.startsWith("//")) found.push("does not open with a // comment line saying what it is for");
  if (lines.length > MAX_LINES) found.push(`has ${lines.length} lines (at most ${MAX_LINES})`);
  return found;
}

let failures = 0;
for (const file of sourceFiles()) {
  for (const problem of problems(file)) {
    console.error(`${file} ${problem}`);
    failures += 1;
  }
}
if (failures > 0) process.exitCode = 1;
