// `-x threads -m N`: N requests in flight, as threads x downloads per thread.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { downloadMany } from "../../src/flags/download-many.ts";
import { threadSplit } from "../../src/flags/thread-split.ts";
import { makeTempDir, removeDir } from "./helpers.ts";

describe("threadSplit", () => {
  it("runs every request in one thread by default", () => {
    assert.deepEqual(threadSplit(30), { threads: 1, callsPerThread: 30 });
    assert.deepEqual(threadSplit(1), { threads: 1, callsPerThread: 1 });
  });

  it("splits exactly over the most threads allowed that divide the requests", () => {
    assert.deepEqual(threadSplit(30, 2), { threads: 2, callsPerThread: 15 });
    assert.deepEqual(threadSplit(30, 4), { threads: 3, callsPerThread: 10 });
    assert.deepEqual(threadSplit(7, 2), { threads: 1, callsPerThread: 7 });
    assert.deepEqual(threadSplit(2, 16), { threads: 2, callsPerThread: 1 });
    assert.throws(() => threadSplit(0, 2), RangeError);
  });
});

describe("downloads on threads, several per thread", () => {
  // Holds every request until `wanted` are in flight together, then answers them all 404:
  // a run with fewer in flight waits for ever, one with more shows in the peak.
  const wanted = 6;
  let server: Server;
  let inFlight = 0;
  let peak = 0;
  const held: (() => void)[] = [];
  let dest: string;
  before(async () => {
    dest = await makeTempDir();
    server = createServer((_request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      held.push(() => {
        inFlight--;
        response.writeHead(404).end();
      });
      if (held.length >= wanted) for (const answer of held.splice(0)) answer();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    server.close();
    await removeDir(dest);
  });

  it("keeps exactly -m requests in flight", { timeout: 60_000 }, async () => {
    const { port } = server.address() as AddressInfo;
    const codes = ["AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AL"];
    const summary = await downloadMany(codes, {
      baseUrl: `http://127.0.0.1:${port}/flags`,
      dest: join(dest, "flags"),
      executor: "threads",
      concurrency: wanted,
    });
    assert.deepEqual(summary.counts, { ok: 0, notFound: 12, error: 0, cancelled: 0 });
    assert.equal(summary.concurrency, wanted);
    assert.equal(peak, wanted);
  });
});
