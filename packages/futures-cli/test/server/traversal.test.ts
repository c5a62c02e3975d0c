// No request reaches outside the data folder. The request lines go out as written, over a
// raw socket, so no client normalises the path first.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFlagServer, type FlagServer } from "../../src/server/index.ts";
import { rawRequest } from "./helpers.ts";

describe("path traversal", () => {
  let server: FlagServer;
  let port: number;

  before(async () => {
    server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    port = Number(new URL(server.urls.LOCAL!).port);
  });
  after(() => server.close());

  const get = (target: string) =>
    rawRequest(port, [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"]);

  // Targets aimed at files that exist outside data/flags: the package's own files and /etc/passwd.
  const attempts: [string, number][] = [
    ["/flags/../../package.json", 400],
    ["/flags/br/../../../package.json", 400],
    ["/../../../../etc/passwd", 400],
    ["/flags/./br/br.gif", 400],
    ["/flags/%2e%2e/%2e%2e/package.json", 400],
    ["/flags/%2E%2E/%2E%2E/package.json", 400],
    ["/flags/br/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json", 400],
    ["/flags/..%2f..%2fREADME.md", 400],
    ["/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400],
    ["/flags\\..\\..\\package.json", 400],
    ["/flags/br%5c..%5c..%5cpackage.json", 400],
    ["/flags/br/br.gif%00", 400],
    ["/flags/br/br.gif%00.json", 400],
    ["/flags/%00/../package.json", 400],
    ["/flags/br/%c0%ae%c0%ae/package.json", 400], // overlong UTF-8 dots are invalid percent-encoding
    ["/flags/br/%252e%252e/package.json", 404], // decoded once only: a literal %2e%2e name
    ["//etc/passwd", 404],
    ["/flags//br/br.gif", 404],
    ["../package.json", 400],
    ["package.json", 400],
    ["/" + "a/".repeat(600), 414],
    ["/flags/" + "%2e%2e/".repeat(300) + "etc/passwd", 414],
  ];

  for (const [target, status] of attempts) {
    it(`${target.length > 60 ? target.slice(0, 60) + "..." : target} -> ${status}`, async () => {
      const answer = await get(target);
      assert.equal(answer.status, status);
      assert.doesNotMatch(answer.text, /"name": "futures"|root:x:0:0|# The flag data set/);
    });
  }

  it("a request line longer than the header limit is refused, not a crash", async () => {
    const answer = await get("/" + "x".repeat(20_000));
    assert.ok(answer.status === 414 || answer.status === 431, `status ${answer.status}`);
    // The server still answers afterwards.
    assert.equal((await get("/flags/br/br.gif")).status, 200);
  });

  it("a raw NUL byte in the request line is a 400", async () => {
    const answer = await get("/flags/br/br.gif\0");
    assert.equal(answer.status, 400);
  });

  it("encoded slashes that spell a real flag path are served, nothing more", async () => {
    assert.equal((await get("/flags%2Fbr%2Fbr.gif")).status, 200);
    assert.equal((await get("/flags/%62%72/%62%72.gif")).status, 200);
  });
});
