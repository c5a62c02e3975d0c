// The cap on open connections: idle sockets cannot lock clients out, and a connection over the
// cap while every connection is busy is closed at once rather than left waiting.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { capForLimit, defaultMaxConnections } from "../../src/server/connection-cap.ts";
import { startFlagServer } from "../../src/server/index.ts";
import { cliArgs, finished, PACKAGE_DIR } from "../helpers/cli.ts";
import { fetchRaw, freePort, sleep, timer } from "./helpers.ts";

/** Open `count` connections one after another that never send a byte. */
async function idleSockets(port: number, count: number): Promise<{ socket: Socket; closed: boolean }[]> {
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {}); // a reset still ends in "close"
    const entry = { socket, closed: false };
    socket.once("close", () => (entry.closed = true));
    await once(socket, "connect");
    sockets.push(entry);
  }
  return sockets;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe("connection cap", () => {
  it("closes the oldest idle connections to make room, so a client is still served", async () => {
    await using server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 }, maxConnections: 10 });
    const port = Number(new URL(server.urls.LOCAL!).port);
    const sockets = await idleSockets(port, 25);
    try {
      await until(() => server.stats().LOCAL!.connections.evicted === 15, "15 evicted");
      await until(() => sockets.slice(0, 15).every((entry) => entry.closed), "the 15 oldest closed");
      assert.ok(
        sockets.slice(15).every((entry) => !entry.closed),
        "the 10 newest stay open",
      );

      const answer = await fetchRaw(`${server.urls.LOCAL}/br/br.gif`, { agent: false });
      assert.equal(answer.status, 200);
      assert.deepEqual(server.stats().LOCAL!.connections, { evicted: 16, refused: 0, overPipelined: 0 });
    } finally {
      for (const { socket } of sockets) socket.destroy();
    }
  });

  it("closes a new connection at once when every connection has a request in progress", async () => {
    const server = await startFlagServer({
      only: ["ERROR"],
      ports: { ERROR: 0 },
      faults: { statusRate: 0, delayRate: 0, hangRate: 1, hangTimeout: 60 },
      maxConnections: 3,
    });
    try {
      const hung = Array.from({ length: 3 }, (_, i) =>
        fetchRaw(`${server.urls.ERROR}/br/br.gif?${i}`, { agent: false }),
      );
      for (const request of hung) request.catch(() => {}); // they fail when the server closes
      await until(() => server.stats().ERROR!.faults.hang === 3, "3 requests hung");

      const outcome = await Promise.race([
        fetchRaw(`${server.urls.ERROR}/br/br.gif`, { agent: false }).then(
          (answer) => `answered ${answer.status}`,
          (error: NodeJS.ErrnoException) => `refused (${error.code ?? error.message})`,
        ),
        timer(5000).then(() => "left waiting"),
      ]);
      assert.match(outcome, /^refused \((ECONNRESET|EPIPE|socket hang up)\)$/);
      const stats = server.stats().ERROR!;
      assert.deepEqual(stats.connections, { evicted: 0, refused: 1, overPipelined: 0 });
      assert.equal(stats.faults.hang, 3);
    } finally {
      await server.close();
    }
  });

  it("by default takes each listener's share of the open-file limit, from 16 to 4096", () => {
    assert.equal(capForLimit(3, 256), 64);
    assert.equal(capForLimit(1, 256), 192);
    assert.equal(capForLimit(3, 100), 16);
    assert.equal(capForLimit(3, 1_048_576), 4096);
    assert.equal(capForLimit(3, undefined), 1024);
    const readHere = defaultMaxConnections(3);
    assert.ok(readHere >= 16 && readHere <= 4096, String(readHere));
  });

  it("futures serve limited to 256 descriptors still serves a client past 230 idle sockets", async () => {
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freePort());
    const [local, delay, error] = [...ports].map(String) as [string, string, string];
    const args = cliArgs(["serve", "--port", local, "--delay-port", delay, "--error-port", error]);
    // sh lowers the limit, then becomes node: the server runs as under a user's `ulimit -n 256`.
    const limited = spawn("/bin/sh", ["-c", 'ulimit -n 256 && exec "$0" "$@"', process.execPath, ...args], {
      cwd: PACKAGE_DIR,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    const run = finished(limited, 60_000);
    let stdout = "";
    limited.stdout!.on("data", (chunk: string) => (stdout += chunk));
    let sockets: Awaited<ReturnType<typeof idleSockets>> = [];
    try {
      await until(() => stdout.includes("Ctrl-C stops."), "started", 30_000);
      sockets = await idleSockets(Number(local), 230);
      const answer = await Promise.race([
        fetchRaw(`http://127.0.0.1:${local}/flags/br/br.gif`, { agent: false }),
        timer(10_000),
      ]);
      assert.ok(answer, "no answer within 10 s: locked out");
      assert.equal(answer.status, 200);
    } finally {
      for (const { socket } of sockets) socket.destroy();
      limited.kill("SIGTERM");
    }
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /LOCAL {2}1 flag request: 1×200; connections over the cap: \d+ idle closed, 0 refused/,
    );
  });
});
