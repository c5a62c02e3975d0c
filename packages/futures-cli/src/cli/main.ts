#!/usr/bin/env node
// The `futures` command: one entry, one subcommand per part of the product.
//
// Start-up is most of a short download, and most of start-up is V8 compiling code. Node 22.1
// and later keep compiled code on disk themselves (module.enableCompileCache). On older Node,
// the installed `futures flags` runs from one bundled file (scripts/bundle-flags.mjs) through
// a code cache of its own; the other commands, and the command run from its sources, load
// their modules as usual.
import { existsSync } from "node:fs";
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runCached } from "../common/code-cache.ts";

const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
const compiled = import.meta.url.endsWith(".js");
const BUNDLE = fileURLToPath(new URL("flags-bundle.cjs", import.meta.url));

if (enableCompileCache) enableCompileCache();
if (!enableCompileCache && compiled && process.argv[2] === "flags" && existsSync(BUNDLE))
  await runFlagsBundle();
else await (await import("./run-cli.ts")).runCli();

async function runFlagsBundle(): Promise<void> {
  // The download sets this V8 flag as it loads undici (see flags/http-get.ts). V8 rejects
  // code cached under other flags, so it is set before the bundle compiles: the cache is
  // then made and used under the same flags.
  setFlagsFromString("--liftoff-only");
  const { exports, save } = runCached(BUNDLE, "flags", {
    __futuresDist: new URL("..", import.meta.url).href,
    __futuresLibraryDist: new URL(".", import.meta.resolve("concurrent-futures")).href,
  });
  // The cache holds what the run compiled: made by a download, not by help or a usage error
  // (a cache made by `futures flags --help` leaves a download 10 ms slower).
  const help = process.argv.includes("--help") || process.argv.includes("-h");
  process.once("exit", (code) => {
    if (!help && code <= 1) save();
  });
  await (exports as typeof import("./run-cli.ts")).runCli();
}
