#!/usr/bin/env node
// The `futures` command. A file that exists before the build, so that npm links the command
// at install time; the program itself is the compiled dist/cli/main.js.
import("../dist/cli/main.js").catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/cli/main.js"))
    throw error;
  console.error("futures: the command is not built yet; run `npm run build` in the repository first");
  process.exit(1);
});
