// The pages a person opens in a browser, checked as HTML: every listener's description is a
// sentence, every flag cell keeps its size whatever its request got, and /stats is a table for
// a browser while a program asking for JSON still gets JSON.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { escapeHtml } from "../../src/common/html-escape.ts";
import { DEFAULT_DATA_DIR, startFlagServer, type FlagServer } from "../../src/server/index.ts";
import { prefersHtml } from "../../src/server/stats-page.ts";
import { fetchRaw } from "./helpers.ts";

// What Chromium and Firefox send for a page.
const BROWSER_ACCEPT =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

const home = (server: FlagServer, label: "LOCAL" | "DELAY" | "ERROR") =>
  server.urls[label]!.replace(/\/flags$/, "");

/** The text of the page's behaviour paragraph, tags removed, entities of quotes decoded. */
function behaviourOf(html: string): string {
  const match = /<p class="behaviour">([\s\S]*?)<\/p>/.exec(html);
  assert.ok(match, "a behaviour paragraph");
  return match[1]!.replace(/<[^>]+>/g, "").replace(/&#39;/g, "'");
}

describe("the index page of each listener", () => {
  let server: FlagServer;
  before(async () => {
    server = await startFlagServer({
      ports: { LOCAL: 0, DELAY: 0, ERROR: 0 },
      delay: { min: 0.5, max: 5 },
      seed: 3,
    });
  });
  after(() => server.close());

  it("describes the listener in a sentence", async () => {
    const expected = {
      LOCAL: "This listener serves the flags as fast as it can.",
      DELAY:
        "This listener delays every response by 0.5 to 5 s (uniformly at random). Random draws use seed 3.",
      ERROR:
        "This listener draws one outcome for each flag request: 25% get a random 500, 501, 502 or 503 " +
        "with Connection: close, 50% are delayed by 0.5 s and 25% pass untouched. Random draws use seed 3.",
    } as const;
    for (const [label, sentence] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const html = (await fetchRaw(`${home(server, label)}/`)).body.toString();
      assert.equal(behaviourOf(html), sentence, label);
    }
  });

  it("gives every flag a cell of one size, with a placeholder for what a failed request got", async () => {
    const html = (await fetchRaw(`${home(server, "ERROR")}/`)).body.toString();
    const cells = html.match(/<figure>[\s\S]*?<\/figure>/g) ?? [];
    assert.equal(cells.length, 194);
    for (const cell of cells) {
      // The frame holds the image once loaded, or the status in its place: never bare alt text.
      assert.match(
        cell,
        /^<figure><div class="frame" data-src="\/flags\/([a-z]{2})\/\1\.gif\?from=page"><img alt="flag of [^"]+"><span class="status">…<\/span><\/div>/,
      );
      assert.doesNotMatch(cell, /<img [^>]*src=/, "the script fetches the flag, so it can see the status");
    }
    // The frame's size is fixed by the style, not by what it holds.
    assert.match(html, /\.frame \{ height: 70px;/);
    assert.match(html, /\.frame img \{ max-width: 100%; max-height: 70px; \}/);
    // The script puts the status served into the placeholder, and gives up on a hung request.
    assert.match(html, /show\(frame, response\.status \+ " " \+ response\.statusText\)/);
    assert.match(html, /AbortSignal\.timeout\(20000\)/);
  });

  it("escapes names and paths from the data folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flags-<b>-"));
    try {
      await mkdir(join(dir, "flags", "xy"), { recursive: true });
      await writeFile(
        join(dir, "flags", "xy", "xy.gif"),
        await readFile(join(DEFAULT_DATA_DIR, "flags/br/br.gif")),
      );
      await writeFile(
        join(dir, "flags", "xy", "metadata.json"),
        JSON.stringify({ country: `<script>alert("x")</script> & 'Co'` }),
      );
      await using local = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, dataDir: dir });
      const html = (await fetchRaw(`${home(local, "LOCAL")}/`)).body.toString();
      assert.ok(!html.includes("<script>alert"));
      assert.ok(!html.includes("flags-<b>-"));
      assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;"));
      assert.ok(html.includes(`<code>${escapeHtml(dir)}</code>`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("/stats", () => {
  let server: FlagServer;
  let base: string;
  before(async () => {
    server = await startFlagServer({
      only: ["LOCAL", "ERROR"],
      ports: { LOCAL: 0, ERROR: 0 },
      faults: { statusRate: 1, statuses: [503] },
    });
    base = home(server, "LOCAL");
    await fetchRaw(`${base}/flags/br/br.gif`);
    await fetchRaw(`${server.urls.ERROR}/br/br.gif`);
  });
  after(() => server.close());

  it("is pretty-printed JSON for a program: Accept application/json, curl's */*, or none", async () => {
    for (const accept of ["application/json", "*/*", undefined, "application/json, text/html;q=0.5"]) {
      const answer = await fetchRaw(`${base}/stats`, { headers: accept ? { Accept: accept } : {} });
      assert.equal(answer.headers["content-type"], "application/json", String(accept));
      assert.equal(answer.headers.vary, "Accept");
      const text = answer.body.toString();
      assert.deepEqual(JSON.parse(text), server.stats());
      assert.match(text, /^\{\n {2}"LOCAL": \{\n {4}"requests": 1,\n/);
    }
  });

  it("is a table for a browser, one row per listener, one column per fault kind", async () => {
    const answer = await fetchRaw(`${base}/stats`, { headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(answer.headers["cache-control"], "no-store");
    const html = answer.body.toString();
    assert.match(html, /<title>futures flag server: stats<\/title>/);
    const header = /<tr>(<th>status<\/th>.*?)<\/tr>/.exec(html)?.[1];
    assert.equal(
      header,
      "<th>status</th><th>delay</th><th>reset</th><th>hang</th><th>truncate</th><th>throttle</th>" +
        "<th>idle, evicted</th><th>refused</th><th>over 64 pipelined</th>",
    );
    const rows = html.match(/<tr><th>(LOCAL|DELAY|ERROR)<\/th>.*<\/tr>/g) ?? [];
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^<tr><th>LOCAL<\/th><td>1<\/td><td class="outcomes">1&times;200<\/td>/);
    assert.match(
      rows[1]!,
      /^<tr><th>ERROR<\/th><td>1<\/td><td class="outcomes">1&times;503<\/td><td>1<\/td>/,
    );
    // The same counts as JSON, for reading and copying.
    assert.match(html, /<pre>\{\n {2}&quot;LOCAL&quot;: \{/);
    const head = await fetchRaw(`${base}/stats`, { method: "HEAD", headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(head.headers["content-length"], String(answer.body.length));
  });

  it("goes to HTML only when the client ranks text/html above JSON", () => {
    const cases: [string | undefined, boolean][] = [
      [BROWSER_ACCEPT, true],
      ["text/html", true],
      ["text/html;q=0.9, application/json;q=0.5", true],
      ["text/*, application/json;q=0.1", false], // text/* is not an explicit ask for HTML
      ["application/json", false],
      ["application/json, text/html", false], // a tie goes to JSON
      ["*/*", false],
      ["application/*;q=0.2, text/html;q=0.1", false],
      ["text/html;q=0", false],
      ["", false],
      [undefined, false],
    ];
    for (const [accept, html] of cases) assert.equal(prefersHtml(accept), html, String(accept));
  });
});
