#!/usr/bin/env node
// The `futures` command. A file that exists before the build, so that npm links the command
// at install time; the program itself is the compiled dist/cli/main.js. CommonJS (see
// package.json here): `futures flags` on Node 20 then runs its bundle without loading Node's
// ES module loader at all (dist/cli/flags-start.cjs).
"use strict";

let start;
if (process.argv[2] === "flags") {
  try {
    start = require("../dist/cli/flags-start.cjs");
  } catch (error) {
    if (error?.code !== "MODULE_NOT_FOUND" || !String(error.message).includes("flags-start.cjs")) throw error;
  }
}
if (start?.runsFromBundle()) start.runFlagsBundle();
else
  import("../dist/cli/main.js").catch((error) => {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/cli/main.js"))
      throw error;
    console.error("futures: the command is not built yet; run `npm run build` in the repository first");
    process.exit(1);
  });
