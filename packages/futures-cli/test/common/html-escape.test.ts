// The one HTML escape of the command: safe in text and in quoted attribute values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml } from "../../src/common/html-escape.ts";

describe("escapeHtml", () => {
  it("escapes the five characters that can open a tag, an entity or end an attribute", () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`),
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;",
    );
  });

  it("leaves other text alone, Unicode included, and escapes an escape again", () => {
    assert.equal(escapeHtml("Côte d’Ivoire 100% …"), "Côte d’Ivoire 100% …");
    assert.equal(escapeHtml("&amp;"), "&amp;amp;");
    assert.equal(escapeHtml(""), "");
  });
});
