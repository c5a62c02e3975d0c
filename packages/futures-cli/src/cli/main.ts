#!/usr/bin/env node
// The `futures` command: one entry, one subcommand per part of the product.
//
// Start-up is most of a short download, and most of start-up is V8 compiling code. Node 22.1
// and later keep compiled code on disk themselves (module.enableCompileCache). On older Node,
// the installed `futures flags` runs from one bundled file (scripts/bundle-flags.mjs) through
// a code cache of its own; the other commands, and the command run from its sources, load
// their modules as usual.
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
const compiled = import.meta.url.endsWith(".js");

if (enableCompileCache) {
  enableCompileCache();
  await (await import("./run-cli.ts")).runCli();
} else if (compiled && process.argv[2] === "flags") {
  await runFlagsBundle();
} else {
  await (await import("./run-cli.ts")).runCli();
}

async function runFlagsBundle(): Promise<void> {
  // The download sets this V8 flag as it loads undici (see flags/http-get.ts). V8 rejects
  // code cached under other flags, so it is set before the bundle compiles: the cache is
  // then made and used under the same flags.
  setFlagsFromString("--liftoff-only");
  const { runCached } = await import("./code-cache.ts");
  const { exports, save } = runCached(fileURLToPath(new URL("flags-bundle.cjs", import.meta.url)), "flags", {
    __futuresDist: new URL("..", import.meta.url).href,
    __futuresLibraryDist: new URL(".", import.meta.resolve("concurrent-futures")).href,
  });
  process.once("exit", save);
  await (exports as typeof import("./run-cli.ts")).runCli();
}
