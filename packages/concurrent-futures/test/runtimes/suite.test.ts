// The executor behaviour suite on every executor, for runtimes other than Node: run as
// `bun test` and `deno test` by other-runtimes.test.ts, which Node's own `npm test` runs.
// Node runs the same suite through async-pool, thread-pool and process-pool.test.ts.
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from "../../src/index.ts";
import { executorSuite, type CannotHold } from "../executor-suite.ts";

const FREE_REFERENCE = "holds no result once it is handed out (CPython's test_free_reference)";

/** What a runtime cannot show, per executor, each printed with its reason (bun test prints none). */
function cannotHold(executor: string): CannotHold {
  const cases = runtimeLimits(executor);
  for (const [title, reason] of Object.entries(cases))
    console.log(`skipped: ${executor}: ${title}: ${reason}`);
  return cases;
}

function runtimeLimits(executor: string): CannotHold {
  if (process.versions.bun) {
    return {
      [FREE_REFERENCE]:
        "Bun's JavaScriptCore scans the stack conservatively, so a forced collection may keep an unreachable result alive",
    };
  }
  if (process.versions.deno && executor === "ProcessPoolExecutor") {
    return {
      [FREE_REFERENCE]:
        "a result decoded from Deno's child_process channel outlives a forced collection (the library holds no reference: Deno's threads pass)",
    };
  }
  return {};
}

executorSuite("AsyncExecutor", (options) => new AsyncExecutor(options), cannotHold("AsyncExecutor"));
executorSuite(
  "ThreadPoolExecutor",
  (options) => new ThreadPoolExecutor(options),
  cannotHold("ThreadPoolExecutor"),
);
executorSuite(
  "ProcessPoolExecutor",
  (options) => new ProcessPoolExecutor(options),
  cannotHold("ProcessPoolExecutor"),
);
