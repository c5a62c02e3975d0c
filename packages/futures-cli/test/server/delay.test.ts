// The DELAY listener holds its delay with hundreds of requests in flight: every wait is a
// timer, so 500 concurrent 0.3 s requests take about 0.3 s, not 150 s.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startFlagServer } from "../../src/server/index.ts";
import { fetchRaw } from "./helpers.ts";

const IN_FLIGHT = 500;

/** Fire IN_FLIGHT requests at once, each on its own connection; their times in ms. */
async function timeAll(url: string): Promise<number[]> {
  return Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, i) => {
      const start = performance.now();
      const answer = await fetchRaw(`${url}/${i % 2 ? "br/br.gif" : "cn/metadata.json"}`, { agent: false });
      assert.equal(answer.status, 200);
      return performance.now() - start;
    }),
  );
}

describe("DELAY listener", () => {
  it(`a fixed delay holds for ${IN_FLIGHT} requests in flight`, async () => {
    await using server = await startFlagServer({ only: ["DELAY"], ports: { DELAY: 0 }, delay: 0.3 });
    const start = performance.now();
    const times = await timeAll(server.urls.DELAY!);
    const wall = performance.now() - start;
    assert.ok(Math.min(...times) >= 295, `fastest ${Math.min(...times)} ms`);
    // Served one after another they would take IN_FLIGHT * 0.3 s; concurrently, about 0.3 s.
    assert.ok(wall < 20_000, `all took ${wall} ms`);
    const stats = server.stats().DELAY!;
    assert.deepEqual(stats.statuses, { "200": IN_FLIGHT });
    assert.equal(stats.faults.delay, IN_FLIGHT);
  });

  it(`a MIN:MAX delay is drawn per request within its bounds, ${IN_FLIGHT} in flight`, async () => {
    await using server = await startFlagServer({
      only: ["DELAY"],
      ports: { DELAY: 0 },
      delay: { min: 0.1, max: 0.6 },
    });
    const times = await timeAll(server.urls.DELAY!);
    assert.ok(Math.min(...times) >= 95, `fastest ${Math.min(...times)} ms`);
    // Spread over the range rather than all alike (the upper bound only with generous slack).
    const sorted = [...times].sort((a, b) => a - b);
    assert.ok(sorted.at(-1)! - sorted[0]! > 250, `spread ${sorted[0]} to ${sorted.at(-1)}`);
    assert.ok(sorted.at(-1)! < 20_000);
  });

  it("the index page and stats are not delayed", async () => {
    await using server = await startFlagServer({ only: ["DELAY"], ports: { DELAY: 0 }, delay: 30 });
    const home = server.urls.DELAY!.replace(/\/flags$/, "");
    const page = await fetchRaw(`${home}/`);
    assert.match(page.body.toString(), /delays every response by 30 s/);
    assert.equal((await fetchRaw(`${home}/stats`)).status, 200);
  });
});
