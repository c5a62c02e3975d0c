// A node:test reporter for one test file run by scripts/run-tests.mjs: one JSON line per event
// the runner needs (a test began, ended, passed, failed or was skipped), with each failure's
// error already formatted, so that the runner can print one line per file, every failure in
// full, and the tests still running when a file is stopped.
import { inspect } from "node:util";

/** The error a failure is about: node:test wraps what the test threw in ERR_TEST_FAILURE. */
function formatError(error) {
  if (error === undefined || error === null) return "";
  const thrown = error.code === "ERR_TEST_FAILURE" && error.cause !== undefined ? error.cause : error;
  return typeof thrown === "string" ? thrown : inspect(thrown, { breakLength: 100, depth: 6 });
}

const line = (event) => `${JSON.stringify(event)}\n`;

export default async function* reporter(source) {
  // Where each test stands in the source, kept by scripts/test-timeouts.mjs, which node:test
  // would otherwise take for the place of every test.
  const places = globalThis[Symbol.for("futures.test.places")];
  // Reports come in order, each test's test:start before its result, a suite's before its
  // tests': started[n] is the test or suite reported at nesting n, for a failure's full title.
  const started = [];
  // dequeue and complete tell when a test really begins and ends.
  const key = (data) => `${data.nesting}:${data.file}:${data.line}:${data.column}:${data.name}`;
  for await (const { type, data } of source) {
    if (type === "test:dequeue") {
      yield line({ event: "begin", key: key(data), name: data.name });
    } else if (type === "test:complete") {
      yield line({ event: "end", key: key(data), at: Date.now() });
    } else if (type === "test:diagnostic") {
      // node:test's own notes, among them what failed outside any test (an error after the
      // tests ended, a hook's): shown when the file fails with no failed test.
      yield line({ event: "note", message: String(data.message) });
    } else if (type === "test:start") {
      started[data.nesting] = data.name;
      started.length = data.nesting + 1;
    } else if (type === "test:pass" || type === "test:fail") {
      const title = [...started.slice(0, data.nesting), data.name].join(" › ");
      const suite = data.details?.type === "suite";
      const where = places?.get(data.name) ?? (data.file && `${data.file}:${data.line}:${data.column}`);
      const error = data.details?.error;
      const failureType = error?.failureType;
      if (data.skip !== undefined || data.todo !== undefined) {
        const reason = data.skip ?? data.todo;
        yield line({ event: "skip", title, reason: typeof reason === "string" ? reason : "" });
      } else if (type === "test:pass") {
        if (!suite) yield line({ event: "pass", title });
      } else if (failureType === "cancelledByParent") {
        yield line({ event: "cancelled", title, where });
      } else if (!(suite && failureType === "subtestsFailed")) {
        // A suite that fails because of its tests was told of already; one that fails in its
        // own hooks or by its own timeout is a failure of its own.
        const ms = Math.round(data.details?.duration_ms ?? 0);
        yield line({ event: "fail", title, where, ms, error: formatError(error) });
      }
    }
  }
}
