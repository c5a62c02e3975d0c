// A server that reads each file when first asked for (readOnDemand, the server inside
// `futures flags`) answers exactly as one that read them all at start, and reads nothing
// outside what the listing of the data folder named.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DataSetError, startFlagServer, type FlagServer } from "../../src/server/index.ts";
import { fetchRaw } from "./helpers.ts";

describe("reading files on demand", () => {
  let eager: FlagServer;
  let lazy: FlagServer;
  before(async () => {
    eager = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, seed: 1 });
    lazy = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, seed: 1, readOnDemand: true });
  });
  after(() => Promise.all([eager.close(), lazy.close()]));

  const base = (server: FlagServer) => server.urls.LOCAL!.replace(/\/flags$/, "");

  it("gives the same status, headers and body as a server that read everything at start", async () => {
    for (const path of [
      "/flags/br/br.gif",
      "/flags/br/metadata.json",
      "/flags/zz/zz.gif",
      "/flags/br/xx.gif",
    ]) {
      for (const method of ["GET", "HEAD"]) {
        const [expected, actual] = await Promise.all(
          [eager, lazy].map((server) => fetchRaw(`${base(server)}${path}`, { method })),
        );
        assert.equal(actual!.status, expected!.status, `${method} ${path}`);
        for (const header of ["content-type", "content-length", "etag", "last-modified"])
          assert.equal(actual!.headers[header], expected!.headers[header], `${method} ${path} ${header}`);
        assert.deepEqual(actual!.body, expected!.body, `${method} ${path}`);
      }
    }
  });

  it("lists every flag on its index page and counts them", async () => {
    const [expected, actual] = await Promise.all([eager, lazy].map((server) => fetchRaw(`${base(server)}/`)));
    const flags = (page: Buffer) => page.toString("utf8").match(/<figcaption[^>]*>.*?<\/figcaption>/g);
    assert.deepEqual(flags(actual!.body), flags(expected!.body));
    assert.equal(lazy.flagCount, 194);
  });

  it("still refuses a folder without flags, and serves a file read after the start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "futures-data-"));
    try {
      mkdirSync(join(dir, "flags", "br"), { recursive: true });
      await assert.rejects(
        startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, dataDir: dir, readOnDemand: true }),
        DataSetError,
      );
      writeFileSync(join(dir, "flags", "br", "br.gif"), "GIF89a");
      const server = await startFlagServer({
        only: ["LOCAL"],
        ports: { LOCAL: 0 },
        dataDir: dir,
        readOnDemand: true,
      });
      try {
        writeFileSync(join(dir, "flags", "br", "metadata.json"), '{"country":"Brazil"}');
        const answer = await fetchRaw(`${base(server)}/flags/br/metadata.json`);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.toString(), '{"country":"Brazil"}');
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
