import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "../../src/flags/backoff.ts";
import type { DownloadSummary } from "../../src/flags/download-many.ts";
import { countResults, type FlagResult } from "../../src/flags/flag-result.ts";
import {
  finalReport,
  hints,
  initialReport,
  jsonReport,
  retryLine,
  verboseLine,
} from "../../src/flags-command/report.ts";
import { resolveServer } from "../../src/flags/servers.ts";

const local = { server: resolveServer("LOCAL", {}), startedHere: false };

function summary(results: FlagResult[], elapsedMs = 650): DownloadSummary {
  return {
    results,
    counts: countResults(results),
    executor: "async",
    concurrency: 5,
    elapsedMs,
    interrupted: false,
  };
}

function result(cc: string, status: FlagResult["status"], error?: string): FlagResult {
  return {
    cc,
    status,
    attempts: 1,
    bytes: status === "ok" ? 100 : 0,
    elapsedMs: 1,
    ...(error ? { error } : {}),
  };
}

describe("reports", () => {
  it("uses the book's words before the downloads", () => {
    const codes = Array.from({ length: 20 }, (_, i) => `C${String.fromCharCode(65 + i)}`);
    assert.equal(
      initialReport(local, codes, 20),
      "LOCAL site: http://127.0.0.1:8001/flags\nSearching for 20 flags: from CA to CT\n20 concurrent connections will be used.",
    );
    assert.equal(
      initialReport({ ...local, startedHere: true }, ["BR"], 1),
      "LOCAL site: http://127.0.0.1:8001/flags (started here: nothing was listening on port 8001)\n" +
        "Searching for 1 flag: BR\n1 connection will be used.",
    );
    assert.match(initialReport(local, ["BR", "CN", "US"], 3), /Searching for 3 flags: BR, CN, US/);
  });

  it("counts after a line of 20 dashes", () => {
    const results = [
      ...Array.from({ length: 194 }, (_, i) => result(`O${i}`, "ok")),
      ...Array.from({ length: 480 }, (_, i) => result(`N${i}`, "not_found")),
      result("E1", "error", "HTTP 503 Service Unavailable"),
      result("E2", "error", "connection reset"),
    ];
    assert.equal(
      finalReport(summary(results)),
      "--------------------\n194 flags downloaded.\n480 not found.\n  2 errors.\nElapsed time: 0.65s",
    );
    assert.equal(
      finalReport({ ...summary([result("BR", "ok"), result("XX", "cancelled")], 1234), interrupted: true }),
      "--------------------\n  1 flag downloaded.\n  1 cancelled.\nElapsed time: 1.23s",
    );
  });

  it("says why a run stopped by itself, and counts what it never tried as not attempted", () => {
    const stopped = {
      ...summary([
        result("BR", "ok"),
        result("CN", "error", "cannot save: disk full"),
        result("XX", "cancelled"),
      ]),
      stopped: "disk full: no space left in 'downloads' (ENOSPC)",
    };
    assert.equal(
      finalReport(stopped),
      "--------------------\n  1 flag downloaded.\n  1 error.\n  1 not attempted.\n" +
        "Stopped: disk full: no space left in 'downloads' (ENOSPC)\nElapsed time: 0.65s",
    );
    assert.equal(JSON.parse(jsonReport(local, stopped)).stopped, stopped.stopped);
  });

  it("says one line per code in verbose mode", () => {
    assert.equal(verboseLine(result("BR", "ok")), "BR ok");
    assert.equal(
      verboseLine({ ...result("BR", "ok"), existing: true }),
      "BR ok (kept the file already there)",
    );
    assert.equal(verboseLine(result("XX", "not_found")), "XX not found");
    assert.equal(verboseLine(result("YY", "error", "timed out after 5s")), "YY error: timed out after 5s");
    assert.equal(verboseLine(result("ZZ", "cancelled")), undefined);
    assert.equal(
      verboseLine({ ...result("BR", "ok"), replaced: "an empty file" }),
      "BR ok (replaced an empty file)",
    );
  });

  it("says each retry in one line: code, attempt, reason", () => {
    assert.equal(
      retryLine({ cc: "BR", attempt: 2, of: 3, reason: "HTTP 503 Service Unavailable", waitMs: 2140 }),
      "BR attempt 2 failed (HTTP 503 Service Unavailable); retry 2 of 3 in 2.1s",
    );
  });

  it("hints at a server that is not there", () => {
    assert.deepEqual(hints(local, summary([result("BR", "error", "HTTP 500 Internal Server Error")])), []);
    const [hint] = hints(local, summary([result("BR", "error", "connection refused")]));
    assert.match(
      hint!,
      /^hint: nothing answered at http:\/\/127\.0\.0\.1:8001\/flags \(connection refused\)/,
    );
  });

  it("hints at a wrong URL when every code is 404, countries included", () => {
    assert.deepEqual(hints(local, summary([result("BR", "not_found"), result("CN", "not_found")])), [
      "hint: every code was 404 Not Found: the URL is probably wrong (a flag should be at http://127.0.0.1:8001/flags/br/br.gif)",
    ]);
    assert.deepEqual(hints(local, summary([result("XX", "not_found"), result("QQ", "not_found")])), []);
    assert.deepEqual(hints(local, summary([result("BR", "ok"), result("XX", "not_found")])), []);
  });

  it("puts everything in the JSON document", () => {
    const document = JSON.parse(jsonReport(local, summary([result("BR", "ok"), result("XX", "not_found")])));
    assert.deepEqual(Object.keys(document), [
      "server",
      "executor",
      "concurrency",
      "codes",
      "counts",
      "interrupted",
      "elapsedMs",
      "results",
    ]);
    assert.deepEqual(document.counts, { ok: 1, notFound: 1, error: 0, cancelled: 0 });
    assert.deepEqual(document.results[1], {
      cc: "XX",
      status: "not_found",
      attempts: 1,
      bytes: 0,
      elapsedMs: 1,
    });
  });
});

describe("backoff", () => {
  it("doubles from the base delay up to the cap, a quarter either way at random", () => {
    const options = { baseDelay: 100, maxDelay: 1000 };
    assert.equal(
      backoffDelay(0, options, () => 0.5),
      100,
    );
    assert.equal(
      backoffDelay(0, options, () => 0),
      75,
    );
    assert.equal(
      backoffDelay(2, options, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(10, options, () => 1),
      1000,
    );
    for (let retry = 0; retry < 8; retry++) {
      const delay = backoffDelay(retry, options);
      const ceiling = 100 * 2 ** retry;
      assert.ok(
        delay >= Math.min(1000, ceiling * 0.75) && delay <= Math.min(1000, ceiling * 1.25),
        `${delay} for retry ${retry}`,
      );
    }
  });
});
