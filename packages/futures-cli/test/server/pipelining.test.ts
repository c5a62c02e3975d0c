// Pipelined requests: many in one write, on real sockets. A client that leaves has its delayed
// answers cancelled, not counted as sent.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { startFlagServer, type FlagServer } from "../../src/server/index.ts";
import type { ListenerStats } from "../../src/server/stats.ts";
import { sleep } from "./helpers.ts";

/** A GET of `path` as a client pipelines it: keep-alive, one after another in one write. */
const pipelined = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

/** A socket to `url`'s port, connected, whose errors are expected (the tests close it). */
async function openSocket(url: string): Promise<Socket> {
  const socket = connect(Number(new URL(url).port), "127.0.0.1");
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** Poll `label`'s stats until `ready` holds of them, for 10 s at most. */
async function statsWhen(
  server: FlagServer,
  label: "LOCAL" | "DELAY",
  ready: (stats: ListenerStats) => boolean,
): Promise<ListenerStats> {
  for (let tries = 0; tries < 200; tries++) {
    const stats = server.stats()[label]!;
    if (ready(stats)) return stats;
    await sleep(50);
  }
  throw new Error(`stats never got there: ${JSON.stringify(server.stats()[label])}`);
}

describe("pipelined requests", () => {
  it("a client that closes before the delay ends: its delayed answers are cancelled, counted as closed by the client", async () => {
    await using server = await startFlagServer({ only: ["DELAY"], ports: { DELAY: 0 }, delay: 0.5 });
    const socket = await openSocket(server.urls.DELAY!);
    socket.write(pipelined("/flags/br/br.gif").repeat(3));
    await statsWhen(server, "DELAY", (s) => s.waiting === 3);
    socket.destroy();
    const stats = await statsWhen(server, "DELAY", (s) => s.waiting === 0);
    // Past the delay, nothing may yet turn up as sent.
    await sleep(1000);
    const after = server.stats().DELAY!;
    assert.deepEqual(after.statuses, {});
    assert.equal(after.unanswered.clientClosed, 3);
    assert.deepEqual(after, stats);
  });
});
