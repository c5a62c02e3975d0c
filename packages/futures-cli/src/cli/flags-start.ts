// `futures flags` run from its bundle (scripts/bundle-flags.mjs) through a code cache of its
// own, on Node versions without a compile cache of their own (module.enableCompileCache came
// with Node 22.1). Compiled twice: as an ES module that main.ts imports, and as CommonJS,
// dist/cli/flags-start.cjs, that bin/futures.js requires, so that a download starts without
// Node's ES module loader (about 10 ms of every start, with the modules it loads).
import { existsSync, readFileSync, realpathSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runCached } from "../common/code-cache.ts";

const BUNDLE = fileURLToPath(new URL("flags-bundle.cjs", import.meta.url));

/** True when this Node has no compile cache of its own and the bundle was built. */
export function runsFromBundle(): boolean {
  const { enableCompileCache } = nodeModule as { enableCompileCache?: unknown };
  return !enableCompileCache && existsSync(BUNDLE);
}

/** Run the command line in process.argv, `futures flags ...`, from the bundle. */
export async function runFlagsBundle(): Promise<void> {
  const { exports, save } = runCached(BUNDLE, "flags", {
    __futuresDist: new URL("..", import.meta.url).href,
    __futuresLibraryDist: `${pathToFileURL(libraryDist()).href}/`,
  });
  // The cache holds what the run compiled: made by a download, not by help or a usage error
  // (a cache made by `futures flags --help` leaves a download 10 ms slower).
  const help = process.argv.includes("--help") || process.argv.includes("-h");
  // The download sets V8's --liftoff-only once it has loaded undici (flags/http-get.ts), and
  // V8 rejects code cached under other flags: the cache is made under those the next run
  // compiles the bundle with, V8's defaults. (--liftoff-only turned the other two off; only
  // Node 20 and 22.0 run the bundle, whose V8 flags these are.)
  process.once("exit", (code) => {
    if (help || code > 1) return;
    setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
    save();
  });
  await (exports as typeof import("./run-cli.ts")).runCli();
}

/**
 * The folder of the installed library's entry module, as `import` would find it (symbolic
 * links resolved). Looked for in the folders `require` searches, reading the library's
 * package.json: Node's own resolution of a package with an "exports" map loads its ES module
 * resolver, about 10 ms of a 20-flag download.
 */
function libraryDist(): string {
  const require = nodeModule.createRequire(import.meta.url);
  for (const folder of require.resolve.paths("concurrent-futures") ?? []) {
    const root = join(folder, "concurrent-futures");
    const manifest = join(root, "package.json");
    if (!existsSync(manifest)) continue;
    const entry = (JSON.parse(readFileSync(manifest, "utf8")) as { exports?: { ".": { default?: unknown } } })
      .exports?.["."].default;
    if (typeof entry === "string") return dirname(realpathSync(join(root, entry)));
    break;
  }
  return dirname(require.resolve("concurrent-futures"));
}
