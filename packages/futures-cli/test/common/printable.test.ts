// The escape of text from outside before it is printed: controls shown, never obeyed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printable } from "../../src/common/printable.ts";

describe("printable", () => {
  it("shows C0 and C1 controls, bidi overrides and line separators as escapes", () => {
    assert.equal(
      printable("a\x1b[2J\x9b2J\u202eb\u2028c\u2029d\n", 100),
      "a\\x1b[2J\\x9b2J\\u202eb\\u2028c\\u2029d\\x0a",
    );
  });

  it("leaves printable text alone, accents and emoji included", () => {
    assert.equal(printable("text/html; Côte d’Ivoire 🇧🇷", 100), "text/html; Côte d’Ivoire 🇧🇷");
  });

  it("cuts to the cap, with '...' and never inside a surrogate pair", () => {
    const cut = printable("x".repeat(10) + "😀".repeat(10), 15);
    assert.ok(cut.length <= 15, cut);
    assert.match(cut, /^x{10}(😀)*\.\.\.$/u);
  });
});
