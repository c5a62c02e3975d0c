#!/usr/bin/env node
// The `futures` command: one entry, one subcommand per part of the product.
//
// Start-up is most of a short download, and most of start-up is V8 compiling code. Node 22.1
// and later keep compiled code on disk themselves (module.enableCompileCache). On older Node,
// the installed `futures flags` runs from one bundled file (scripts/bundle-flags.mjs) through
// a code cache of its own (flags-start.ts); the other commands, and the command run from its
// sources, load their modules as usual.
import * as nodeModule from "node:module";

const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
const compiled = import.meta.url.endsWith(".js");

if (enableCompileCache) enableCompileCache();
const start = compiled && process.argv[2] === "flags" ? await import("./flags-start.ts") : undefined;
if (start?.runsFromBundle()) await start.runFlagsBundle();
else await (await import("./run-cli.ts")).runCli();
