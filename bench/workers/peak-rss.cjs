// Loaded with `node --require` by the benchmarks: as the process exits, one line on stderr with
// its peak resident memory, worker threads included (they share the process). Threads inherit
// the option and load this too, but say nothing.
"use strict";
const { isMainThread } = require("node:worker_threads");

if (isMainThread) {
  process.on("exit", () => {
    process.stderr.write(`futures-bench peak-rss-kib ${process.resourceUsage().maxRSS}\n`);
  });
}
