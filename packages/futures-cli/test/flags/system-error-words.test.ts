// System error codes in words, for the errors of saving flags and of preparing their folder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeCode } from "../../src/flags/system-error-words.ts";

describe("describeCode", () => {
  it("says the usual codes in our words", () => {
    assert.equal(describeCode("ENOSPC"), "disk full: no space left on the device (ENOSPC)");
    assert.equal(describeCode("EISDIR"), "a folder is in the way (EISDIR)");
  });

  it("says any other system code in the system's words, and only an unknown code as 'error'", () => {
    assert.equal(describeCode("EMFILE"), "too many open files (EMFILE)");
    assert.equal(describeCode("ELOOP"), "too many symbolic links encountered (ELOOP)");
    assert.equal(describeCode("ERR_SOMETHING_NEW"), "error (ERR_SOMETHING_NEW)");
  });
});
