// Routes, statuses and headers of a listener, over real sockets on 127.0.0.1.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DataSetError,
  DEFAULT_DATA_DIR,
  ListenError,
  startFlagServer,
  type FlagServer,
} from "../../src/server/index.ts";
import { fetchRaw, rawRequest } from "./helpers.ts";

const brGif = await readFile(join(DEFAULT_DATA_DIR, "flags", "br", "br.gif"));

describe("LOCAL listener routes", () => {
  let server: FlagServer;
  let base: string; // http://127.0.0.1:PORT
  let port: number;

  before(async () => {
    server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    base = server.urls.LOCAL!.replace(/\/flags$/, "");
    port = Number(new URL(base).port);
  });
  after(() => server.close());

  it("reports its URL and only the listener started", () => {
    assert.match(server.urls.LOCAL!, /^http:\/\/127\.0\.0\.1:\d+\/flags$/);
    assert.deepEqual(Object.keys(server.urls), ["LOCAL"]);
    assert.equal(server.flagCount, 194);
  });

  it("GET a flag: the file's bytes, image/gif, length, validators, keep-alive", async () => {
    const answer = await fetchRaw(`${base}/flags/br/br.gif`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "image/gif");
    assert.equal(answer.headers["content-length"], String(brGif.length));
    assert.deepEqual(answer.body, brGif);
    assert.match(answer.headers.etag!, /^"[\w-]+"$/);
    assert.ok(!Number.isNaN(Date.parse(answer.headers["last-modified"]!)));
    assert.equal(answer.headers.connection, "keep-alive");
  });

  it("keeps the connection open across requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      agent.on("free", (socket) => sockets.add(socket));
      for (const cc of ["br", "cn", "in"]) {
        assert.equal((await fetchRaw(`${base}/flags/${cc}/${cc}.gif`, { agent })).status, 200);
      }
      assert.equal(sockets.size, 1);
    } finally {
      agent.destroy();
    }
  });

  it("GET metadata.json", async () => {
    const answer = await fetchRaw(`${base}/flags/br/metadata.json`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(answer.body.toString()), { iso_cc: "BR", country: "Brazil", tld_cc: ".br" });
  });

  it("HEAD: the GET headers, no body", async () => {
    const answer = await fetchRaw(`${base}/flags/br/br.gif`, { method: "HEAD" });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "image/gif");
    assert.equal(answer.headers["content-length"], String(brGif.length));
    assert.equal(answer.body.length, 0);
  });

  it("ignores a query string and accepts the absolute form", async () => {
    assert.equal((await fetchRaw(`${base}/flags/br/br.gif?size=big`)).status, 200);
    const raw = await rawRequest(port, [
      `GET ${base}/flags/br/br.gif HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Connection: close",
    ]);
    assert.equal(raw.status, 200);
  });

  it("304 for a matching If-None-Match, 200 otherwise", async () => {
    const { headers } = await fetchRaw(`${base}/flags/br/br.gif`);
    const etag = headers.etag!;
    const cases: [string, number][] = [
      [etag, 304],
      [`W/${etag}`, 304],
      [`"other", ${etag}`, 304],
      ["*", 304],
      ['"other"', 200],
    ];
    for (const [ifNoneMatch, status] of cases) {
      const answer = await fetchRaw(`${base}/flags/br/br.gif`, { headers: { "If-None-Match": ifNoneMatch } });
      assert.equal(answer.status, status, ifNoneMatch);
      if (status === 304) {
        assert.equal(answer.body.length, 0);
        assert.equal(answer.headers.etag, etag);
      }
    }
    const head = await fetchRaw(`${base}/flags/br/br.gif`, {
      method: "HEAD",
      headers: { "If-None-Match": etag },
    });
    assert.equal(head.status, 304);
  });

  it("304 when not modified since, 200 when modified since; If-None-Match decides when both are sent", async () => {
    const { headers } = await fetchRaw(`${base}/flags/br/br.gif`);
    const lastModified = headers["last-modified"]!;
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const get = (extra: Record<string, string>) => fetchRaw(`${base}/flags/br/br.gif`, { headers: extra });
    assert.equal((await get({ "If-Modified-Since": lastModified })).status, 304);
    assert.equal((await get({ "If-Modified-Since": earlier })).status, 200);
    assert.equal((await get({ "If-Modified-Since": "not a date" })).status, 200);
    assert.equal((await get({ "If-Modified-Since": lastModified, "If-None-Match": '"other"' })).status, 200);
  });

  it("404 for unknown codes and paths", async () => {
    for (const path of [
      "/flags/zz/zz.gif",
      "/flags/BR/BR.gif",
      "/flags/br/br.png",
      "/flags/br/",
      "/flags/br",
      "/flags",
      "/flags/",
      "/country_codes.txt",
      "/favicon.ico",
    ]) {
      const answer = await fetchRaw(base + path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.toString(), "404 Not Found\n");
    }
  });

  it("405 with Allow for other methods, on flags, / and /stats", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const path of ["/flags/br/br.gif", "/", "/stats"]) {
        const answer = await fetchRaw(base + path, { method });
        assert.equal(answer.status, 405, `${method} ${path}`);
        assert.equal(answer.headers.allow, "GET, HEAD");
      }
    }
  });

  it("400 for malformed requests", async () => {
    const bad = ["/flags/%zz/zz.gif", "/flags/%E0%A4%A/x", "*"];
    for (const target of bad) {
      const raw = await rawRequest(port, [`GET ${target} HTTP/1.1`, "Host: x", "Connection: close"]);
      assert.equal(raw.status, 400, target);
    }
    // A request line the HTTP parser rejects, and a request without Host.
    assert.equal((await rawRequest(port, ["GARBAGE"])).status, 400);
    assert.equal((await rawRequest(port, ["GET /flags/br/br.gif HTTP/1.1"])).status, 400);
  });

  it("GET / is an index page with a cell for every flag", async () => {
    const answer = await fetchRaw(`${base}/`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "text/html; charset=utf-8");
    const html = answer.body.toString();
    assert.match(html, /<title>futures flag server: LOCAL<\/title>/);
    assert.match(html, /serves the flags as fast as it can/);
    assert.equal(
      html.match(/<div class="frame" data-src="\/flags\/[a-z]{2}\/[a-z]{2}\.gif\?from=page">/g)?.length,
      194,
    );
    assert.match(html, /Brazil/);
    const head = await fetchRaw(`${base}/`, { method: "HEAD" });
    assert.equal(head.body.length, 0);
    assert.equal(head.headers["content-length"], String(answer.body.length));
  });
});

describe("stats", () => {
  it("counts flag requests by status, not the pages, the icon or the page's flags; the same in stats()", async () => {
    await using server = await startFlagServer({
      only: ["LOCAL", "DELAY"],
      ports: { LOCAL: 0, DELAY: 0 },
      delay: 0,
    });
    const base = server.urls.LOCAL!.replace(/\/flags$/, "");
    const port = Number(new URL(base).port);
    const { headers } = await fetchRaw(`${base}/flags/br/br.gif`);
    await fetchRaw(`${base}/flags/cn/cn.gif`);
    await fetchRaw(`${base}/flags/in/metadata.json`);
    await fetchRaw(`${base}/flags/in/in.gif`, { method: "HEAD" });
    await fetchRaw(`${base}/flags/zz/zz.gif`);
    await fetchRaw(`${base}/flags/br/br.gif`, { headers: { "If-None-Match": headers.etag! } });
    await fetchRaw(`${base}/flags/br/br.gif`, { method: "POST" });
    await rawRequest(port, ["GET /flags/%zz HTTP/1.1", "Host: x", "Connection: close"]);
    await fetchRaw(`${base}/`);
    await fetchRaw(`${base}/stats`);
    assert.equal((await fetchRaw(`${base}/favicon.ico`)).status, 404);
    assert.equal((await fetchRaw(`${base}/flags/br/br.gif?from=page`)).status, 200);
    await fetchRaw(server.urls.DELAY + "/br/br.gif");

    const answer = await fetchRaw(`${base}/stats`);
    assert.equal(answer.headers["content-type"], "application/json");
    assert.equal(answer.headers["cache-control"], "no-store");
    const stats = JSON.parse(answer.body.toString());
    const noFaults = { delay: 0, status: 0, reset: 0, hang: 0, truncate: 0, throttle: 0 };
    const connections = { evicted: 0, refused: 0, overPipelined: 0 };
    const answered = {
      unanswered: { reset: 0, dropped: 0, clientClosed: 0, stopped: 0, overPipelined: 0 },
      waiting: 0,
      cutShort: { byClient: 0, byStop: 0 },
    };
    assert.deepEqual(stats, {
      LOCAL: {
        requests: 8,
        statuses: { "200": 4, "304": 1, "400": 1, "404": 1, "405": 1 },
        ...answered,
        faults: noFaults,
        connections,
      },
      DELAY: {
        requests: 1,
        statuses: { "200": 1 },
        ...answered,
        faults: { ...noFaults, delay: 1 },
        connections,
      },
    });
    assert.deepEqual(server.stats(), stats);
    // Any listener answers for all of them.
    const viaDelay = await fetchRaw(server.urls.DELAY!.replace(/\/flags$/, "/stats"));
    assert.deepEqual(JSON.parse(viaDelay.body.toString()), stats);
  });
});

describe("options", () => {
  it("serves another folder with the book's layout", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flags-"));
    try {
      await mkdir(join(dir, "flags", "xy"), { recursive: true });
      await writeFile(join(dir, "flags", "xy", "xy.gif"), brGif);
      await writeFile(
        join(dir, "flags", "xy", "metadata.json"),
        '{"iso_cc":"XY","country":"Nowhere","tld_cc":".xy"}',
      );
      await mkdir(join(dir, "flags", "not-a-code"));
      await using server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, dataDir: dir });
      assert.equal(server.flagCount, 1);
      assert.equal((await fetchRaw(`${server.urls.LOCAL}/xy/xy.gif`)).status, 200);
      assert.equal((await fetchRaw(`${server.urls.LOCAL}/br/br.gif`)).status, 404);
      const index = await fetchRaw(server.urls.LOCAL!.replace(/\/flags$/, "/"));
      assert.match(index.body.toString(), /<b>XY<\/b> Nowhere/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a folder without flags is a DataSetError", async () => {
    const dir = await mkdtemp(join(tmpdir(), "noflags-"));
    try {
      await assert.rejects(
        startFlagServer({ ports: { LOCAL: 0, DELAY: 0, ERROR: 0 }, dataDir: dir }),
        DataSetError,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a port in use is a ListenError, and the listeners already open are closed", async () => {
    await using first = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    const taken = Number(new URL(first.urls.LOCAL!).port);
    const error = await startFlagServer({ ports: { LOCAL: 0, DELAY: taken, ERROR: 0 } }).then(
      () => assert.fail("expected a ListenError"),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof ListenError);
    assert.equal(error.code, "EADDRINUSE");
    assert.equal(error.label, "DELAY");
    assert.equal(error.message, `DELAY cannot listen on 127.0.0.1:${taken}: address already in use`);
  });

  it("a rate given alone is accepted: the rates not given shrink to what it leaves", async () => {
    await using server = await startFlagServer({
      only: ["ERROR"],
      ports: { ERROR: 0 },
      faults: { statusRate: 1, statuses: [503] },
    });
    assert.equal(server.behaviours.ERROR, "100% get status 503 with Connection: close");
    for (let i = 0; i < 5; i++) assert.equal((await fetchRaw(`${server.urls.ERROR}/br/br.gif`)).status, 503);
  });

  it("bad values are RangeErrors", async () => {
    const bad = [
      { only: [] },
      { ports: { LOCAL: 70000 } },
      { delay: -1 },
      { delay: { min: 2, max: 1 } },
      { faults: { statusRate: 1.5 } },
      { faults: { statusRate: 0.6, delayRate: 0.5 } },
      { faults: { statuses: [200] } },
      { faults: { statuses: [] } },
      { faults: { throttleBytesPerSecond: 0 } },
      { faults: { hangTimeout: 0 } },
      { faults: { delay: 3e6 } }, // longer than a timer can wait
      { seed: 1.5 },
      { maxConnections: 0 },
    ];
    for (const options of bad)
      await assert.rejects(startFlagServer(options), RangeError, JSON.stringify(options));
  });

  it("binds IPv6 loopback and brackets it in URLs", async (t) => {
    const started = startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, host: "::1" });
    await using server = await started.catch((error: ListenError) => {
      if (error.code !== "EADDRNOTAVAIL") throw error;
      return undefined;
    });
    if (!server) return t.skip("this machine has no IPv6 loopback");
    assert.match(server.urls.LOCAL!, /^http:\/\/\[::1\]:\d+\/flags$/);
    assert.equal((await fetchRaw(`${server.urls.LOCAL}/br/br.gif`)).status, 200);
  });
});
