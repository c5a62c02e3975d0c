// What each published subpath of futures-cli exports, pinned: a name added to or dropped from
// a subpath is a change of the package's surface and must show here. The imports resolve
// through the package's own `exports`, as a user's would.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const EXPORTS: Record<string, string[]> = {
  "futures-cli/flags": [
    "DEFAULT_DEST",
    "DEFAULT_EXECUTOR",
    "DEFAULT_MAX_FILESIZE",
    "DEFAULT_TIMEOUT_MS",
    "DestinationError",
    "EXECUTOR_NAMES",
    "FetchError",
    "HttpClient",
    "POP20_CC",
    "SaveError",
    "downloadFlag",
    "downloadMany",
    "downloadOne",
    "ensureLocalServer",
    "everyCode",
    "flagFileName",
    "newTempTag",
    "prepareDestination",
    "readCountryCodes",
    "resolveServer",
    "saveFlag",
    "selectCodes",
  ],
  "futures-cli/server": [
    "DEFAULT_DATA_DIR",
    "DEFAULT_DELAY",
    "DEFAULT_FAULTS",
    "DEFAULT_PORTS",
    "DataSetError",
    "LISTENER_LABELS",
    "ListenError",
    "startFlagServer",
  ],
  "futures-cli/cpu": [
    "ARCFOUR_JOBS",
    "ARCFOUR_KEY",
    "ARCFOUR_SIZE",
    "PRIME_NUMBERS",
    "SHA_JOBS",
    "SHA_SIZE",
    "arcfour",
    "arcfourJobSizes",
    "arcfourTest",
    "arcfourWasm",
    "checkPrime",
    "isPrime",
    "sha256Hex",
    "sha256Job",
  ],
  "futures-cli/bench": ["median", "startPool", "submitArcfourJobs", "textTable"],
};

describe("the published subpaths", () => {
  it("are the ones pinned here", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, unknown>;
    };
    const published = Object.keys(manifest.exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `futures-cli${subpath.slice(1)}`);
    assert.deepEqual(published.sort(), Object.keys(EXPORTS).sort());
  });

  for (const [subpath, names] of Object.entries(EXPORTS)) {
    it(`${subpath} exports exactly its pinned names`, async () => {
      const module = (await import(subpath)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module).sort(), names);
    });
  }
});
