// How each flag request ended, as the stats count it: every request counted is under exactly one
// outcome (a status, or why it got no answer, or still waiting), whoever left first.
import assert from "node:assert/strict";
import { once } from "node:events";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { startFlagServer, type FaultOptions, type FlagServer } from "../../src/server/index.ts";
import type { ListenerStats } from "../../src/server/stats.ts";
import { fetchRaw, sleep } from "./helpers.ts";

/** An ERROR listener with only the given faults. */
function errorServer(faults: FaultOptions): Promise<FlagServer> {
  return startFlagServer({
    only: ["ERROR"],
    ports: { ERROR: 0 },
    faults: { statusRate: 0, delayRate: 0, ...faults },
    seed: 1,
  });
}

const errorStats = (server: FlagServer): ListenerStats => server.stats().ERROR!;

/** Requests counted, and the sum of every outcome: equal when the counts add up. */
function tally(stats: ListenerStats): { requests: number; outcomes: number } {
  const sum = (counts: object) => Object.values(counts).reduce((a: number, b: number) => a + b, 0);
  return { requests: stats.requests, outcomes: sum(stats.statuses) + sum(stats.unanswered) + stats.waiting };
}

/** Poll the stats until `ready` holds of them, for 10 s at most. */
async function statsWhen(
  server: FlagServer,
  ready: (stats: ListenerStats) => boolean,
): Promise<ListenerStats> {
  for (let tries = 0; tries < 200; tries++) {
    const stats = errorStats(server);
    if (ready(stats)) return stats;
    await sleep(50);
  }
  throw new Error(`stats never got there: ${JSON.stringify(errorStats(server))}`);
}

/** A GET whose errors are expected: the tests end it themselves. */
function startGet(url: string): ClientRequest {
  const req = request(url, { agent: false });
  req.on("error", () => {});
  req.end();
  return req;
}

describe("outcomes of flag requests", () => {
  it("a client that leaves in the middle of a body: the answer counts under its status, cut short", async () => {
    await using server = await errorServer({ throttleRate: 1, throttleBytesPerSecond: 50 });
    const req = startGet(`${server.urls.ERROR}/br/br.gif`);
    const [res] = (await once(req, "response")) as [IncomingMessage];
    await once(res, "data");
    req.destroy();
    const stats = await statsWhen(server, (s) => s.cutShort.byClient > 0);
    assert.deepEqual(stats.statuses, { "200": 1 });
    assert.deepEqual(stats.cutShort, { byClient: 1, byStop: 0 });
    assert.deepEqual(tally(stats), { requests: 1, outcomes: 1 });
  });

  it("a client that leaves before a delayed answer: closed by the client first", async () => {
    await using server = await errorServer({ delayRate: 1, delay: 60 });
    const req = startGet(`${server.urls.ERROR}/br/br.gif`);
    const waiting = await statsWhen(server, (s) => s.waiting === 1);
    assert.deepEqual(tally(waiting), { requests: 1, outcomes: 1 });
    req.destroy();
    const stats = await statsWhen(server, (s) => s.waiting === 0);
    assert.deepEqual(stats.statuses, {});
    assert.equal(stats.unanswered.clientClosed, 1);
    assert.deepEqual(tally(stats), { requests: 1, outcomes: 1 });
  });

  it("resets and hung requests the server drops are outcomes of their own", async () => {
    await using resets = await errorServer({ resetRate: 1 });
    await assert.rejects(fetchRaw(`${resets.urls.ERROR}/br/br.gif`));
    assert.equal(errorStats(resets).unanswered.reset, 1);
    assert.deepEqual(tally(errorStats(resets)), { requests: 1, outcomes: 1 });

    await using hangs = await errorServer({ hangRate: 1, hangTimeout: 0.1 });
    await assert.rejects(fetchRaw(`${hangs.urls.ERROR}/br/br.gif`));
    const stats = await statsWhen(hangs, (s) => s.waiting === 0);
    assert.equal(stats.unanswered.dropped, 1);
    assert.deepEqual(tally(stats), { requests: 1, outcomes: 1 });
  });

  it("a stop with requests in flight: waiting before it, cut off by it after, adding up both times", async () => {
    const server = await errorServer({
      statusRate: 0.2,
      delayRate: 0.3,
      delay: 60,
      hangRate: 0.2,
      throttleRate: 0.3,
      throttleBytesPerSecond: 10,
    });
    const requests = Array.from({ length: 30 }, (_, i) => startGet(`${server.urls.ERROR}/br/br.gif?${i}`));
    const before = await statsWhen(server, (s) => s.requests === 30);
    assert.deepEqual(tally(before), { requests: 30, outcomes: 30 });
    assert.equal(before.waiting, before.faults.delay + before.faults.hang);
    assert.ok(before.waiting > 0 && before.faults.throttle > 0, JSON.stringify(before.faults));
    await server.close();
    const after = errorStats(server);
    assert.equal(after.waiting, 0);
    assert.equal(after.unanswered.stopped, before.waiting);
    assert.equal(after.cutShort.byStop, before.faults.throttle);
    assert.deepEqual(tally(after), { requests: 30, outcomes: 30 });
    for (const req of requests) req.destroy();
  });
});
