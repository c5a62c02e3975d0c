import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, retryDelay } from "../../src/flags/backoff.ts";
import { downloadMany } from "../../src/flags/download-many.ts";
import type { FlagResult, RetryNote } from "../../src/flags/flag-result.ts";
import { startFlagServer } from "../../src/server/index.ts";
import type { ChildProcess } from "node:child_process";
import { dataFlag, finished, listDir, makeTempDir, removeDir, spawnFlags, startServer } from "./helpers.ts";
import { readFile } from "node:fs/promises";

const FAST_BACKOFF = { baseDelay: 5, maxDelay: 20 };

let root: string;
let dirs = 0;
before(async () => (root = await makeTempDir()));
after(() => removeDir(root));
const newDest = (): string => join(root, `dest-${++dirs}`);
const byCode = (results: FlagResult[]) => Object.fromEntries(results.map((r) => [r.cc, r]));

describe("the retry schedule of the command", () => {
  it("starts near 1 s, doubles, is capped at 10 s, and jitters by a quarter either way", () => {
    const middle = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, DEFAULT_BACKOFF, () => 0.5));
    assert.deepEqual(middle, [1000, 2000, 4000, 8000, 10_000, 10_000]);
    assert.equal(
      backoffDelay(0, DEFAULT_BACKOFF, () => 0),
      750,
    );
    assert.equal(
      backoffDelay(0, DEFAULT_BACKOFF, () => 0.999_999),
      1249.9995,
    );
    assert.equal(
      backoffDelay(1, DEFAULT_BACKOFF, () => 0),
      1500,
    );
    // --retries 3 rides out an outage of 1.5 s even with the shortest draws: 0.75 + 1.5 s.
    const shortest = [0, 1].map((retry) => backoffDelay(retry, DEFAULT_BACKOFF, () => 0));
    assert.ok(shortest.reduce((a, b) => a + b) > 1500);
  });

  it("honours Retry-After, in seconds or as a date, up to a minute", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(
      retryDelay(0, 5000, DEFAULT_BACKOFF, () => 0.5),
      5000,
      "longer than the backoff: waited",
    );
    assert.equal(
      retryDelay(2, 100, DEFAULT_BACKOFF, () => 0.5),
      4000,
      "shorter: the backoff stands",
    );
    assert.equal(
      retryDelay(0, 60_000, DEFAULT_BACKOFF, () => 0.5),
      60_000,
    );
    assert.equal(
      retryDelay(0, 61_000, DEFAULT_BACKOFF, () => 0.5),
      undefined,
      "too long: not retried",
    );
  });
});

describe("which failures are retried", () => {
  let server: Server;
  let baseUrl: string;
  const served = new Map<string, number>();
  // What each code answers, one status per request; the last one repeats.
  const script: Record<string, (number | [number, Record<string, string>])[]> = {
    br: [503],
    cn: [501],
    id: [400],
    us: [500, 502, 504, 200],
    pk: [408, 404],
    ng: [[429, { "retry-after": "1" }], 200],
    bd: [[503, { "retry-after": "3600" }]],
  };
  before(async () => {
    server = createServer((request, response) => {
      const cc = request.url!.split("/")[2]!;
      const n = served.get(cc) ?? 0;
      served.set(cc, n + 1);
      const steps = script[cc] ?? [404];
      const step = steps[Math.min(n, steps.length - 1)]!;
      const [status, headers] = typeof step === "number" ? [step, {}] : step;
      if (status !== 200) response.writeHead(status, headers).end();
      else void dataFlag(cc).then((flag) => response.end(flag));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/flags`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it("retries 408, 429, 500, 502, 503 and 504 N times after the first try; never 400 or 501", async () => {
    const notes: RetryNote[] = [];
    const started = performance.now();
    const summary = await downloadMany(["BR", "CN", "ID", "US", "PK", "NG", "BD"], {
      baseUrl,
      dest: newDest(),
      retries: 3,
      backoff: FAST_BACKOFF,
      onRetry: (note) => notes.push(note),
    });
    const results = byCode(summary.results);
    assert.deepEqual(Object.fromEntries(Object.values(results).map((r) => [r.cc, [r.status, r.attempts]])), {
      BD: ["error", 1],
      BR: ["error", 4],
      CN: ["error", 1],
      ID: ["error", 1],
      NG: ["ok", 2],
      PK: ["not_found", 2],
      US: ["ok", 4],
    });
    assert.equal(results.BR!.error, "HTTP 503 Service Unavailable");
    assert.equal(results.CN!.error, "HTTP 501 Not Implemented");
    assert.match(results.BD!.error!, /^HTTP 503 Service Unavailable \(the server asked to retry after 3600s/);
    // Retry-After: 1 was honoured although the backoff is 5 ms.
    assert.ok(performance.now() - started >= 950);
    assert.equal(results.NG!.retries![0]!.waitMs, 1000);
    assert.deepEqual(
      notes.filter((n) => n.cc === "US").map((n) => [n.attempt, n.of, n.reason]),
      [
        [1, 3, "HTTP 500 Internal Server Error"],
        [2, 3, "HTTP 502 Bad Gateway"],
        [3, 3, "HTTP 504 Gateway Timeout"],
      ],
    );
    assert.equal(served.get("br"), 4);
    assert.equal(served.get("cn"), 1);
  });

  it("retries reset connections, truncated bodies and timeouts", async () => {
    for (const fault of ["resetRate", "truncateRate", "hangRate"]) {
      const flags = await startServer({
        only: ["ERROR"],
        faults: { statusRate: 0, delayRate: 0, [fault]: 1 },
      });
      try {
        const summary = await downloadMany(["BR", "CN"], {
          baseUrl: flags.urls.ERROR!,
          dest: newDest(),
          retries: 2,
          backoff: FAST_BACKOFF,
          timeout: 300,
        });
        assert.deepEqual(
          summary.results.map((r) => [r.status, r.attempts]),
          [
            ["error", 3],
            ["error", 3],
          ],
          fault,
        );
        assert.equal(flags.stats().ERROR!.requests, 6);
      } finally {
        await flags.close();
      }
    }
  });
});

describe("an outage of the server", () => {
  /** Resolve once stdout of `child` matches `pattern`. */
  function whenPrinted(child: ChildProcess, pattern: RegExp): Promise<void> {
    let seen = "";
    return new Promise((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (pattern.test(seen)) resolve();
      });
      child.on("close", () => reject(new Error(`ended before ${pattern}:\n${seen}`)));
    });
  }

  it("loses nothing with --retries 3 when the server is down for 1.5 s (the command's own schedule)", async () => {
    // A server that stops before the command starts and is back 1.5 s after its first refusal.
    const first = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    const url = first.urls.LOCAL!;
    await first.close();
    const dest = newDest();
    const child = spawnFlags(["-s", url, "--retries", "3", "-v", "-d", dest], root);
    const run = finished(child);
    await whenPrinted(child, /attempt 1 failed \(connection refused\)/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: Number(new URL(url).port) } });
    try {
      const { code, stdout, stderr } = await run;
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, /^ 20 flags downloaded\.$/m);
      assert.match(stdout, /^BR attempt 1 failed \(connection refused\); retry 1 of 3 in [01]\.\ds$/m);
      assert.equal((await listDir(dest)).length, 20);
      assert.deepEqual(await readFile(join(dest, "br.gif")), await dataFlag("BR"));
    } finally {
      await again.close();
    }
  });

  it("also when the server stops in the middle of a run and restarts on its port 1.5 s later", async () => {
    const first = await startFlagServer({ only: ["DELAY"], ports: { DELAY: 0 }, delay: 0.1 });
    const url = first.urls.DELAY!;
    const dest = newDest();
    const child = spawnFlags(["-s", url, "-a", "-v", "-m", "4", "--retries", "3", "-d", dest], root);
    const run = finished(child);
    await whenPrinted(child, /( ok\n.*){8}/s);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await startFlagServer({
      only: ["DELAY"],
      ports: { DELAY: Number(new URL(url).port) },
      delay: 0.1,
    });
    try {
      const { code, stdout, stderr } = await run;
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, /^194 flags downloaded\.$/m);
      assert.match(stdout, /attempt 1 failed \(connection (refused|reset|closed before the response)\)/);
      assert.equal((await listDir(dest)).length, 194);
    } finally {
      await second.close();
    }
  });
});
