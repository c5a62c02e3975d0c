// Every fault the ERROR listener injects, seen from a real client over loopback.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Agent } from "node:http";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_DATA_DIR, startFlagServer, type FaultOptions } from "../../src/server/index.ts";
import { fetchRaw, rawRequest, sleep, timer } from "./helpers.ts";

const brGif = await readFile(join(DEFAULT_DATA_DIR, "flags", "br", "br.gif"));
const NO_FAULTS: FaultOptions = { statusRate: 0, delayRate: 0 };

/** An ERROR listener with only the given faults. */
function errorServer(faults: FaultOptions, seed = 1) {
  return startFlagServer({ only: ["ERROR"], ports: { ERROR: 0 }, faults: { ...NO_FAULTS, ...faults }, seed });
}

const portOf = (url: string) => Number(new URL(url).port);

describe("ERROR listener faults", () => {
  it("status: the chosen status with Connection: close, then the connection closes", async () => {
    await using server = await errorServer({ statusRate: 1, statuses: [418] });
    const url = server.urls.ERROR!;
    const answer = await fetchRaw(`${url}/br/br.gif`);
    assert.equal(answer.status, 418);
    assert.equal(answer.headers.connection, "close");
    assert.equal(answer.body.toString(), "418 I'm a Teapot\n");
    // Without asking for close, the server still closes after the error (rawRequest waits for it).
    const raw = await rawRequest(portOf(url), ["GET /flags/br/br.gif HTTP/1.1", "Host: x"]);
    assert.equal(raw.status, 418);
    const head = await fetchRaw(`${url}/br/br.gif`, { method: "HEAD" });
    assert.equal(head.status, 418);
    assert.equal(head.body.length, 0);
    const { ERROR: stats } = server.stats();
    assert.equal(stats!.faults.status, 3);
    assert.deepEqual(stats!.statuses, { "418": 3 });
  });

  it("status: by default a random 500, 501, 502 or 503", async () => {
    await using server = await errorServer({ statusRate: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) seen.add((await fetchRaw(`${server.urls.ERROR}/br/br.gif`)).status);
    assert.deepEqual([...seen].sort(), [500, 501, 502, 503]);
  });

  it("delay: the normal answer, no sooner than the delay", async () => {
    await using server = await errorServer({ delayRate: 1, delay: 0.2 });
    const start = performance.now();
    const answer = await fetchRaw(`${server.urls.ERROR}/br/br.gif`);
    assert.ok(performance.now() - start >= 195, "answered before the delay");
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, brGif);
    assert.equal(server.stats().ERROR!.faults.delay, 1);
  });

  it("reset: the connection is reset without an answer", async () => {
    await using server = await errorServer({ resetRate: 1 });
    await assert.rejects(fetchRaw(`${server.urls.ERROR}/br/br.gif`), { code: "ECONNRESET" });
    const stats = server.stats().ERROR!;
    assert.equal(stats.faults.reset, 1);
    assert.deepEqual(stats.statuses, {});
  });

  it("hang: no answer; close() still returns promptly and frees the client", async () => {
    const server = await errorServer({ hangRate: 1 });
    const pending = fetchRaw(`${server.urls.ERROR}/br/br.gif`);
    pending.catch(() => {}); // observed below
    const winner = await Promise.race([pending.then(() => "answered"), sleep(300).then(() => "waiting")]);
    assert.equal(winner, "waiting");
    assert.equal(server.stats().ERROR!.faults.hang, 1);
    await withinSeconds(5, server.close());
    await assert.rejects(pending);
  });

  it("hang: the server drops the connection after the hang timeout", async () => {
    await using server = await errorServer({ hangRate: 1, hangTimeout: 0.3 });
    const start = performance.now();
    const outcome = await Promise.race([
      fetchRaw(`${server.urls.ERROR}/br/br.gif`).then(
        (answer) => `answered ${answer.status}`,
        (error: Error) => `dropped: ${error.message}`,
      ),
      timer(10_000).then(() => "still hanging after 10 s"),
    ]);
    assert.equal(outcome, "dropped: socket hang up");
    assert.ok(performance.now() - start >= 290, "dropped before the timeout");
    const stats = server.stats().ERROR!;
    assert.equal(stats.faults.hang, 1);
    assert.deepEqual(stats.statuses, {});
  });

  it("truncate: the full Content-Length is promised, half the body is sent, the socket ends", async () => {
    await using server = await errorServer({ truncateRate: 1 });
    await assert.rejects(fetchRaw(`${server.urls.ERROR}/br/br.gif`));
    const raw = await rawRequest(portOf(server.urls.ERROR!), ["GET /flags/br/br.gif HTTP/1.1", "Host: x"]);
    assert.equal(raw.status, 200);
    const [head, body] = splitResponse(raw.text);
    assert.match(head, new RegExp(`Content-Length: ${brGif.length}\\r\\n`, "i"));
    assert.equal(body.length, Math.floor(brGif.length / 2));
    assert.deepEqual(body, brGif.subarray(0, body.length));
    const stats = server.stats().ERROR!;
    assert.equal(stats.faults.truncate, 2);
    assert.deepEqual(stats.statuses, { "200": 2 });
  });

  it("throttle: the whole body, dripped at the configured bandwidth", async () => {
    const bytesPerSecond = 20_000;
    await using server = await errorServer({ throttleRate: 1, throttleBytesPerSecond: bytesPerSecond });
    const start = performance.now();
    const answer = await fetchRaw(`${server.urls.ERROR}/br/br.gif`);
    const elapsed = performance.now() - start;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, brGif);
    // The first chunk goes at once, then one every 100 ms.
    const minimum = (brGif.length / bytesPerSecond) * 1000 - 100;
    assert.ok(elapsed >= minimum - 5, `took ${elapsed} ms, expected >= ${minimum}`);
    assert.equal(server.stats().ERROR!.faults.throttle, 1);
  });

  it("close() cancels delayed and throttled replies and hung requests at once", async () => {
    const server = await errorServer({
      delayRate: 0.4,
      delay: 30,
      hangRate: 0.3,
      throttleRate: 0.3,
      throttleBytesPerSecond: 10,
    });
    const pending = Array.from({ length: 20 }, (_, i) => fetchRaw(`${server.urls.ERROR}/br/br.gif?${i}`));
    for (const request of pending) request.catch(() => {});
    // Every request reached the server and met its fault (bounded: a loaded machine is slow).
    const faulted = (): number => {
      const { faults } = server.stats().ERROR!;
      return faults.delay + faults.hang + faults.throttle;
    };
    for (let waited = 0; faulted() < 20 && waited < 10_000; waited += 50) await sleep(50);
    if (faulted() !== 20) {
      await server.close(); // a failed check must not leave hung requests holding the file open
      assert.fail(`${faulted()} of 20 requests met their fault in 10 s`);
    }
    await withinSeconds(5, server.close());
    const results = await Promise.allSettled(pending);
    assert.ok(results.every((result) => result.status === "rejected"));
  });

  it("the same seed injects the same sequence of faults", async () => {
    const faults: FaultOptions = {
      statusRate: 0.3,
      statuses: [418, 500, 503],
      resetRate: 0.1,
      truncateRate: 0.1,
      throttleRate: 0.1,
      throttleBytesPerSecond: 1_000_000,
    };
    const run = async (seed: number) => {
      await using server = await errorServer(faults, seed);
      const outcomes = await outcomesOf(server.urls.ERROR!, Array(150).fill("/br/br.gif"));
      return { outcomes, stats: server.stats() };
    };
    const first = await run(1234);
    const second = await run(1234);
    const other = await run(4321);
    assert.deepEqual(second.outcomes, first.outcomes);
    assert.deepEqual(second.stats, first.stats);
    assert.notDeepEqual(other.outcomes, first.outcomes);
    const kinds = new Set(first.outcomes);
    for (const kind of ["200", "418", "500", "503", "ECONNRESET", "response aborted"]) {
      assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
    }
  });

  it("the pages a browser opens use none of the seeded sequence: a seeded run repeats after them", async () => {
    const faults: FaultOptions = {
      statusRate: 0.3,
      delayRate: 0.1,
      delay: 0.01,
      resetRate: 0.1,
      truncateRate: 0.1,
      throttleRate: 0.1,
      throttleBytesPerSecond: 1_000_000,
    };
    const codes = ["br", "cn", "in", "us", "id", "pk", "ng", "bd", "ru", "jp", "zz"];
    const paths = Array.from({ length: 80 }, (_, i) => codes[i % codes.length]!).map(
      (cc) => `/${cc}/${cc}.gif`,
    );
    const run = async (openPagesFirst: boolean) => {
      await using server = await errorServer(faults, 2024);
      if (openPagesFirst) await openPages(server.urls.ERROR!.replace(/\/flags$/, ""));
      return { outcomes: await outcomesOf(server.urls.ERROR!, paths), stats: server.stats() };
    };
    const plain = await run(false);
    const afterPages = await run(true);
    assert.deepEqual(afterPages.outcomes, plain.outcomes);
    assert.deepEqual(afterPages.stats, plain.stats);
    assert.ok(new Set(plain.outcomes).size >= 4, `a mix of outcomes: ${[...new Set(plain.outcomes)]}`);
  });

  it("the injected error rate is the configured one over thousands of requests", async () => {
    const rate = 0.3;
    const total = 3000;
    await using server = await errorServer({ statusRate: rate });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    try {
      let errors = 0;
      const url = `${server.urls.ERROR}/br/br.gif`;
      const worker = async (count: number) => {
        for (let i = 0; i < count; i++) if ((await fetchRaw(url, { agent })).status >= 500) errors++;
      };
      await Promise.all(Array.from({ length: 20 }, () => worker(total / 20)));
      assert.ok(Math.abs(errors / total - rate) < 0.03, `error rate ${errors / total}`);
      const stats = server.stats().ERROR!;
      assert.equal(stats.requests, total);
      assert.equal(stats.faults.status, errors);
      assert.equal(stats.statuses["200"], total - errors);
    } finally {
      agent.destroy();
    }
  });

  it("the default ERROR listener mixes statuses, delays and untouched answers", async () => {
    await using server = await startFlagServer({
      only: ["ERROR"],
      ports: { ERROR: 0 },
      seed: 5,
      faults: { delay: 0.01 },
    });
    const statuses = await Promise.all(
      Array.from({ length: 80 }, () =>
        fetchRaw(`${server.urls.ERROR}/br/br.gif`, { agent: false }).then((a) => a.status),
      ),
    );
    const stats = server.stats().ERROR!;
    assert.equal(stats.requests, 80);
    assert.equal(stats.faults.status, statuses.filter((status) => status >= 500).length);
    assert.ok(stats.faults.status > 5 && stats.faults.delay > 20, JSON.stringify(stats.faults));
    assert.equal(stats.faults.reset + stats.faults.hang + stats.faults.truncate + stats.faults.throttle, 0);
  });
});

/** What each request for `paths` under `flagsUrl` got, one at a time: a status, or how it failed. */
async function outcomesOf(flagsUrl: string, paths: string[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const path of paths) {
    outcomes.push(
      await fetchRaw(`${flagsUrl}${path}`).then(
        (answer) => String(answer.status),
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      ),
    );
  }
  return outcomes;
}

/**
 * What a browser asks for when a person opens the listener's pages: the index page, every
 * flag its script loads (six at a time, as its script does), the icon, and /stats.
 */
async function openPages(home: string): Promise<void> {
  const browser = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
  const html = (await fetchRaw(`${home}/`, { headers: browser })).body.toString();
  const sources = [...html.matchAll(/data-src="([^"]+)"/g)].map((match) =>
    match[1]!.replaceAll("&amp;", "&"),
  );
  assert.equal(sources.length, 194);
  const load = async () => {
    for (let source = sources.shift(); source !== undefined; source = sources.shift()) {
      await fetchRaw(`${home}${source}`).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 6 }, load));
  await fetchRaw(`${home}/favicon.ico`, { headers: browser });
  await fetchRaw(`${home}/stats`, { headers: browser });
  await fetchRaw(`${home}/stats`);
}

function splitResponse(text: string): [string, Buffer] {
  const end = text.indexOf("\r\n\r\n");
  return [text.slice(0, end + 2), Buffer.from(text.slice(end + 4), "latin1")];
}

async function withinSeconds(seconds: number, promise: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${seconds} s`)), seconds * 1000);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
