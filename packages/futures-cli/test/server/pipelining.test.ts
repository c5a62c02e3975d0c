// Pipelined requests, many in one write, on real sockets: up to the limit in flight they are all
// answered in order; a connection past it is closed at once and others are served as before. A
// client that leaves has its delayed answers cancelled, not counted as sent.
import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
import { startFlagServer, type FlagServer } from "../../src/server/index.ts";
import { MAX_REQUESTS_IN_FLIGHT } from "../../src/server/pipelining-limit.ts";
import type { ListenerStats } from "../../src/server/stats.ts";
import { fetchRaw, sleep } from "./helpers.ts";

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

interface Collected {
  /** The responses read so far, parsed by their Content-Length. */
  responses: { status: number; body: Buffer }[];
  closed: boolean;
}

/** Read the responses `socket` gets, from now on, as they come. */
function collectResponses(socket: Socket): Collected {
  const collected: Collected = { responses: [], closed: false };
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      collected.responses.push({ status, body: buffered.subarray(end + 4, end + 4 + length) });
      buffered = buffered.subarray(end + 4 + length);
    }
  });
  socket.once("close", () => (collected.closed = true));
  socket.resume();
  return collected;
}

/** Wait until `condition` holds, for 10 s at most. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries === 500) throw new Error(`not ${what} within 10 s`);
    await sleep(20);
  }
}

describe("pipelined requests", () => {
  it("a connection far past the limit, never reading, is closed at once; the next client is served", async () => {
    await using server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    const socket = await openSocket(server.urls.LOCAL!);
    try {
      socket.pause();
      socket.write(pipelined("/flags/br/br.gif").repeat(5000));
      await until(() => server.stats().LOCAL!.connections.overPipelined === 1, "closed by the server");
      // Reading now, the client finds the connection closed, its queued requests unanswered.
      const collected = collectResponses(socket);
      await until(() => collected.closed, "seen closed by the client");
      assert.ok(
        collected.responses.length <= MAX_REQUESTS_IN_FLIGHT,
        `${collected.responses.length} responses`,
      );
    } finally {
      socket.destroy();
    }

    const answer = await fetchRaw(`${server.urls.LOCAL}/br/br.gif`, { agent: false });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "image/gif");
    assert.equal(answer.body.subarray(0, 6).toString("latin1"), "GIF89a");
    assert.equal(answer.body.length, Number(answer.headers["content-length"]));
  });

  it(`up to the limit (${MAX_REQUESTS_IN_FLIGHT} in one write) every request is answered, in order`, async () => {
    await using server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
    const codes = readdirSync(path.join(server.dataDir, "flags")).sort().slice(0, MAX_REQUESTS_IN_FLIGHT);
    assert.equal(codes.length, MAX_REQUESTS_IN_FLIGHT);
    const socket = await openSocket(server.urls.LOCAL!);
    try {
      const collected = collectResponses(socket);
      socket.write(codes.map((cc) => pipelined(`/flags/${cc}/metadata.json`)).join(""));
      await until(() => collected.responses.length === codes.length || collected.closed, "all answered");
      assert.deepEqual(
        collected.responses.map(({ status, body }) => `${status} ${JSON.parse(body.toString()).iso_cc}`),
        codes.map((cc) => `200 ${cc.toUpperCase()}`),
      );
      // Answered, they are no longer in flight: the connection stays open for more.
      socket.write(pipelined("/flags/br/metadata.json"));
      await until(
        () => collected.responses.length === codes.length + 1 || collected.closed,
        "answered once more",
      );
      assert.equal(collected.closed, false);
      assert.equal(collected.responses.at(-1)!.status, 200);
      assert.equal(server.stats().LOCAL!.connections.overPipelined, 0);
    } finally {
      socket.destroy();
    }
  });

  it("on DELAY, a connection past the limit is closed and its waiting requests are dropped with it", async () => {
    await using server = await startFlagServer({ only: ["DELAY"], ports: { DELAY: 0 }, delay: 60 });
    const socket = await openSocket(server.urls.DELAY!);
    try {
      socket.write(pipelined("/flags/br/br.gif").repeat(MAX_REQUESTS_IN_FLIGHT + 1));
      const stats = await statsWhen(
        server,
        "DELAY",
        (s) => s.connections.overPipelined === 1 && s.waiting === 0,
      );
      assert.equal(stats.requests, MAX_REQUESTS_IN_FLIGHT);
      assert.deepEqual(stats.statuses, {});
      assert.deepEqual(stats.unanswered, {
        reset: 0,
        dropped: 0,
        clientClosed: 0,
        stopped: 0,
        overPipelined: MAX_REQUESTS_IN_FLIGHT,
      });
    } finally {
      socket.destroy();
    }
  });

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
