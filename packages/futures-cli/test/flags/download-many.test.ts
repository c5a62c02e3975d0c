import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { everyCode, readCountryCodes } from "../../src/flags/country-codes.ts";
import { downloadMany, type DownloadManyOptions } from "../../src/flags/download-many.ts";
import type { FlagResult } from "../../src/flags/flag-result.ts";
import type { FlagServer } from "../../src/server/index.ts";
import { dataFlag, freePort, listDir, startServer, useFlagServer } from "./helpers.ts";

const FAST_BACKOFF = { baseDelay: 5, maxDelay: 20 };

const fixture = useFlagServer({ only: ["LOCAL"] });
let dirs = 0;

function newDest(): string {
  return join(fixture.root, `dest-${++dirs}`);
}

function statusOf(results: FlagResult[], cc: string): FlagResult {
  return results.find((result) => result.cc === cc)!;
}

describe("downloadMany", () => {
  it("downloads every existing flag of AA..ZZ and finds no other", async () => {
    const dest = newDest();
    const seen: string[] = [];
    const summary = await downloadMany(everyCode(), {
      baseUrl: fixture.server.urls.LOCAL!,
      dest,
      concurrency: 20,
      onResult: (result) => seen.push(result.cc),
    });
    assert.deepEqual(summary.counts, { ok: 194, notFound: 482, error: 0, cancelled: 0 });
    assert.equal(summary.executor, "async");
    assert.equal(summary.concurrency, 20);
    assert.equal(seen.length, 676);
    assert.deepEqual(
      summary.results.map((r) => r.cc),
      everyCode(),
    );
    const files = await listDir(dest);
    assert.deepEqual(
      files,
      readCountryCodes().map((cc) => `${cc.toLowerCase()}.gif`),
    );
    for (const cc of ["AD", "BR", "ZW"]) {
      assert.deepEqual(await readFile(join(dest, `${cc.toLowerCase()}.gif`)), await dataFlag(cc));
      assert.equal(statusOf(summary.results, cc).bytes, (await dataFlag(cc)).length);
    }
    assert.equal(statusOf(summary.results, "AA").status, "not_found");
  });

  it("still downloads flags whose files are there, keeps identical ones and replaces the others", async () => {
    const dest = newDest();
    await downloadMany(["BR"], { baseUrl: fixture.server.urls.LOCAL!, dest });
    await writeFile(join(dest, "cn.gif"), await dataFlag("CN"));
    await writeFile(join(dest, "us.gif"), "not a flag");
    const summary = await downloadMany(["BR", "CN", "US", "IN"], {
      baseUrl: fixture.server.urls.LOCAL!,
      dest,
    });
    assert.deepEqual(summary.counts, { ok: 4, notFound: 0, error: 0, cancelled: 0 });
    assert.equal(statusOf(summary.results, "BR").existing, true);
    assert.equal(statusOf(summary.results, "CN").existing, true);
    assert.equal(statusOf(summary.results, "CN").attempts, 1, "the flag was requested all the same");
    assert.equal(statusOf(summary.results, "CN").bytes, (await dataFlag("CN")).length);
    assert.equal(statusOf(summary.results, "US").existing, undefined);
    assert.equal(statusOf(summary.results, "US").replaced, "a different file of 10 bytes");
    assert.deepEqual(await readFile(join(dest, "us.gif")), await dataFlag("US"));
    assert.equal(statusOf(summary.results, "IN").existing, undefined);
    assert.equal(statusOf(summary.results, "IN").replaced, undefined);
    const overwritten = await downloadMany(["CN"], {
      baseUrl: fixture.server.urls.LOCAL!,
      dest,
      overwrite: true,
    });
    assert.equal(overwritten.results[0]!.existing, undefined);
    assert.deepEqual(await readFile(join(dest, "cn.gif")), await dataFlag("CN"));
  });

  it("runs side by side with another download without sharing its connections", async () => {
    const runs = await Promise.all(
      (["async", "sequential", "async"] as const).map((executor, i) =>
        downloadMany(readCountryCodes().slice(i * 20, i * 20 + 20 + i * 10), {
          baseUrl: fixture.server.urls.LOCAL!,
          dest: newDest(),
          executor,
        }),
      ),
    );
    assert.deepEqual(
      runs.map((run) => run.counts.ok),
      [20, 30, 40],
    );
  });

  it("reports a server where nothing listens as an error for every code", async () => {
    const dest = newDest();
    const summary = await downloadMany(["BR", "CN"], {
      baseUrl: `http://127.0.0.1:${await freePort()}/flags`,
      dest,
    });
    assert.deepEqual(summary.counts, { ok: 0, notFound: 0, error: 2, cancelled: 0 });
    assert.equal(summary.results[0]!.error, "connection refused");
    assert.deepEqual(await listDir(dest), []);
  });

  it("cancels everything when the signal has already aborted", async () => {
    const dest = newDest();
    const summary = await downloadMany(["BR", "CN"], {
      baseUrl: fixture.server.urls.LOCAL!,
      dest,
      signal: AbortSignal.abort(),
    });
    assert.equal(summary.interrupted, true);
    assert.deepEqual(summary.counts, { ok: 0, notFound: 0, error: 0, cancelled: 2 });
  });
});

describe("faults of the ERROR server", () => {
  let errorServer: FlagServer | undefined;
  after(() => errorServer?.close());

  async function withFaults(
    faults: object,
    options: Partial<DownloadManyOptions>,
    codes = readCountryCodes(),
  ) {
    await errorServer?.close();
    errorServer = await startServer({
      only: ["ERROR"],
      seed: 7,
      faults: { statusRate: 0, delayRate: 0, ...faults },
    });
    const dest = newDest();
    const summary = await downloadMany(codes, { baseUrl: errorServer.urls.ERROR!, dest, ...options });
    return { summary, dest, stats: errorServer.stats().ERROR! };
  }

  it("counts exactly what the server injected", async () => {
    const { summary, stats } = await withFaults(
      { statusRate: 0.25, delayRate: 0.5, delay: 0.02 },
      { concurrency: 50 },
      [...readCountryCodes(), "XA", "XB"],
    );
    const statuses = stats.statuses;
    const injected = Object.entries(statuses)
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, n]) => sum + n, 0);
    assert.ok(injected > 0, "the server injected errors");
    assert.equal(summary.counts.ok, statuses["200"] ?? 0);
    assert.equal(summary.counts.notFound, statuses["404"] ?? 0); // both XA and XB may draw a fault
    assert.equal(summary.counts.error, injected);
    assert.equal(summary.counts.error, stats.faults.status);
    assert.equal(stats.requests, 196);
    const failed = summary.results.find((result) => result.status === "error")!;
    assert.match(failed.error!, /^HTTP 50[0-3] /);
  });

  it("recovers from injected errors with retries, never retrying a 404", async () => {
    const { summary, stats } = await withFaults(
      { statusRate: 0.25, statuses: [500, 502, 503] },
      { concurrency: 20, retries: 10, backoff: FAST_BACKOFF },
      ["AR", "BR", "CL", "CN", "DE", "FR", "IN", "JP", "PE", "US", "XA", "XB"],
    );
    assert.deepEqual(summary.counts, { ok: 10, notFound: 2, error: 0, cancelled: 0 });
    assert.ok(stats.faults.status > 0, "the server injected errors");
    assert.equal(stats.requests, 12 + stats.faults.status);
    assert.equal(
      summary.results.reduce((sum, result) => sum + result.attempts, 0),
      stats.requests,
    );
  });

  for (const [fault, options, message] of [
    ["resetRate", {}, /^connection reset/],
    ["truncateRate", {}, /^truncated body: got \d+ of \d+ bytes$/],
    ["hangRate", { timeout: 200 }, /^timed out after 0.2s$/],
  ] as const) {
    it(`never leaves a file after ${fault.replace("Rate", "")}`, async () => {
      const codes = ["BR", "CN", "IN", "US"];
      const { summary, dest, stats } = await withFaults(
        { [fault]: 1 },
        { concurrency: 4, ...options },
        codes,
      );
      assert.deepEqual(summary.counts, { ok: 0, notFound: 0, error: 4, cancelled: 0 });
      for (const result of summary.results) assert.match(result.error!, message);
      assert.equal(stats.requests, 4);
      assert.deepEqual(await listDir(dest), []);
    });
  }
});

describe("interrupting", () => {
  let delayServer: FlagServer;
  before(async () => (delayServer = await startServer({ only: ["DELAY"], delay: 0.3 })));
  after(() => delayServer.close());

  // threads: one thread runs the 2 or 4 downloads at once, and an abort ends it.
  for (const [executor, concurrency] of [
    ["sequential", 2],
    ["async", 2],
    ["threads", 2],
    ["threads", 4],
    ["processes", 2],
  ] as const) {
    it(`on ${executor} (${concurrency} at once): cancels what is pending, aborts what is in flight, keeps what is done`, async () => {
      const dest = newDest();
      const controller = new AbortController();
      let settled = 0;
      const summary = await downloadMany(readCountryCodes().slice(0, 40), {
        baseUrl: delayServer.urls.DELAY!,
        dest,
        executor,
        concurrency,
        signal: controller.signal,
        onResult: () => {
          if (++settled === 2) controller.abort();
        },
      });
      assert.equal(summary.interrupted, true);
      assert.ok(summary.counts.ok >= 2, JSON.stringify(summary.counts));
      assert.ok(summary.counts.cancelled >= 30, JSON.stringify(summary.counts));
      assert.equal(summary.counts.ok + summary.counts.cancelled, 40);
      const files = await listDir(dest);
      assert.equal(files.length, summary.counts.ok, `only complete files: ${files.join(" ")}`);
      for (const file of files) {
        assert.deepEqual(await readFile(join(dest, file)), await dataFlag(file.slice(0, 2)));
      }
    });
  }
});
