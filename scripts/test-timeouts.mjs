// A time limit for every test, hook and suite of a test file that sets none of its own, loaded
// with --import by scripts/run-tests.mjs (the limit in FUTURES_TEST_TIMEOUT_MS).
//
// Node 20's --test-timeout limits each test file as a whole, not each test (later Nodes limit
// each test), so a long file under load could be cancelled as a unit while a hung test in it
// was never named. Here a hung test fails alone, by name, and the file goes on.
//
// A test inside a describe() that sets a timeout keeps that one (node:test hands it down), so
// the default goes only to tests outside any such suite. It acts in test files only, not in
// the fixtures, workers and threads they start with the same flags.
//
// node:test takes a test's place in the source from whoever called it(): here, this file. So
// each call's place, as the source maps of tsx give it, is kept for the reporter by name.
import { createRequire, syncBuiltinESMExports } from "node:module";
import { isMainThread } from "node:worker_threads";

const limit = Number(process.env.FUTURES_TEST_TIMEOUT_MS);

if (isMainThread && limit > 0 && /\.test\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  const nodeTest = createRequire(import.meta.url)("node:test");
  const places = new Map();
  globalThis[Symbol.for("futures.test.places")] = places;

  /** Where the caller of `wrapper` stands, as "file:line:column", kept under `name`. */
  const keepPlace = (name, wrapper) => {
    if (typeof name !== "string" || places.has(name)) return;
    const holder = {};
    Error.captureStackTrace(holder, wrapper);
    const frame = holder.stack.split("\n")[1] ?? "";
    const place = /\(?([^\s()]+:\d+:\d+)\)?$/.exec(frame)?.[1];
    if (place) places.set(name, place.replace(/^file:\/\//, ""));
  };

  // For each describe() being built (its body runs inside the call): whether it, or a suite
  // around it, has a timeout that its tests inherit.
  const limited = [false];
  const hasOwnLimit = (args) =>
    args.some((arg) => typeof arg === "object" && arg !== null && arg.timeout !== undefined);

  /** The arguments with `{ timeout: limit }` among the options, unless a timeout is there. */
  const withLimit = (args) => {
    if (limited.at(-1) || hasOwnLimit(args)) return args;
    const list = [...args];
    const at = list.findIndex((arg) => typeof arg === "object" && arg !== null);
    if (at >= 0) list[at] = { ...list[at], timeout: limit };
    else list.splice(typeof list[0] === "string" ? 1 : 0, 0, { timeout: limit });
    return list;
  };

  const wrapTest = (original) => {
    const wrapper = function (...args) {
      keepPlace(args[0], wrapper);
      return original.apply(this, withLimit(args));
    };
    return Object.assign(wrapper, { skip: original.skip, todo: original.todo, only: original.only });
  };
  const wrapSuite = (original) => {
    const wrapper = function (...args) {
      keepPlace(args[0], wrapper);
      limited.push(limited.at(-1) || hasOwnLimit(args));
      try {
        return original.apply(this, args);
      } finally {
        limited.pop();
      }
    };
    return Object.assign(wrapper, { skip: original.skip, todo: original.todo, only: original.only });
  };
  // Hooks take (fn, options), and inherit a suite's timeout as tests do.
  const wrapHook = (original) =>
    function (fn, options) {
      const inherits = limited.at(-1) || options?.timeout !== undefined;
      return original.call(this, fn, inherits ? options : { ...options, timeout: limit });
    };

  const wrappers = { test: wrapTest, it: wrapTest, describe: wrapSuite, suite: wrapSuite };
  for (const hook of ["before", "after", "beforeEach", "afterEach"]) wrappers[hook] = wrapHook;
  for (const [name, wrap] of Object.entries(wrappers))
    if (typeof nodeTest[name] === "function") nodeTest[name] = wrap(nodeTest[name]);
  // `import { it } from "node:test"` reads these once the ESM view is brought up to date.
  syncBuiltinESMExports();
}
