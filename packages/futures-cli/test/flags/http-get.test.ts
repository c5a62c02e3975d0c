import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FetchError, HttpClient } from "../../src/flags/http-get.ts";
import { freePort, pourEndlessly } from "./helpers.ts";

const options = { timeout: 2000, connections: 1 };
const servers: (Server | HttpServer)[] = [];

let client: HttpClient;
beforeEach(() => (client = new HttpClient()));
afterEach(async () => {
  client.close();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw TCP server: `reply` gets each request's head and answers with raw bytes. */
async function rawServer(
  reply: (socket: Socket, head: string) => void,
): Promise<{ url: string; connections: () => number; sockets: Set<Socket> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        reply(socket, head);
      }
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, sockets };
}

/** Write `text` one byte at a time, each in its own packet. */
async function dribble(socket: Socket, text: string): Promise<void> {
  for (const byte of Buffer.from(text, "latin1")) {
    socket.write(Buffer.of(byte));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Wait until `condition` holds, for at most two seconds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("HttpClient", () => {
  it("reuses one keep-alive connection and sends a proper request", async () => {
    const heads: string[] = [];
    const server = createHttpServer((request, response) => {
      heads.push(`${request.method} ${request.url} ${request.headers.host}`);
      response.end(`flag ${request.url}`);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    let connections = 0;
    server.on("connection", () => connections++);
    for (const cc of ["br", "cn", "us"]) {
      const response = await client.get(
        new URL(`http://127.0.0.1:${port}/flags/${cc}/${cc}.gif?x=1`),
        options,
      );
      assert.equal(response.status, 200);
      assert.equal(response.body.toString(), `flag /flags/${cc}/${cc}.gif?x=1`);
    }
    assert.equal(connections, 1);
    assert.deepEqual(heads, [
      `GET /flags/br/br.gif?x=1 127.0.0.1:${port}`,
      `GET /flags/cn/cn.gif?x=1 127.0.0.1:${port}`,
      `GET /flags/us/us.gif?x=1 127.0.0.1:${port}`,
    ]);
  });

  it("reads chunked bodies, with extensions and trailers, and keeps the connection", async () => {
    const server = await rawServer((socket) =>
      socket.write(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n",
      ),
    );
    for (let i = 0; i < 2; i++) {
      const response = await client.get(new URL(`${server.url}/a.gif`), options);
      assert.equal(response.body.toString(), "hello world");
    }
    assert.equal(server.connections(), 1);
  });

  it("parses a response that arrives one byte at a time", async () => {
    const server = await rawServer((socket) => {
      void dribble(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Other:  spaced  \r\n\r\nabcde");
    });
    const response = await client.get(new URL(`${server.url}/a.gif`), options);
    assert.equal(response.body.toString(), "abcde");
  });

  it("reads a body that ends with the connection, and skips interim responses", async () => {
    const server = await rawServer((socket) => {
      socket.write(
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" +
          "HTTP/1.0 200 OK\r\nContent-Type: image/gif\r\n\r\nuntil the end",
      );
      socket.end();
    });
    const response = await client.get(new URL(`${server.url}/a.gif`), options);
    assert.equal(response.body.toString(), "until the end");
    await client.get(new URL(`${server.url}/b.gif`), options);
    assert.equal(server.connections(), 2);
  });

  it("follows redirects, and gives no body for other statuses", async () => {
    const server = await rawServer((socket, head) => {
      if (head.startsWith("GET /old "))
        socket.write("HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n");
      else if (head.startsWith("GET /new ")) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew");
      else socket.write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    });
    assert.equal((await client.get(new URL(`${server.url}/old`), options)).body.toString(), "new");
    const missing = await client.get(new URL(`${server.url}/missing`), options);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.length, 0);
    assert.equal(server.connections(), 1);
  });

  it("reports truncated bodies, malformed responses and early closes as errors", async () => {
    const cases: [string, RegExp][] = [
      ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", /^truncated body: got 3 of 10 bytes$/],
      [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc",
        /^truncated body: got 3 of 10 bytes$/,
      ],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", /^truncated body: got 2 bytes$/],
      [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        /^malformed response \(Invalid character in chunk size\)$/,
      ],
      ["SMTP ready\r\n\r\n", /^malformed response \(Expected HTTP\//],
      ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /^malformed response \(Invalid header token\)$/],
      [
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        /^malformed response \(Invalid character in Content-Length\)$/,
      ],
      // A 100 Continue answers a request that did not ask for one.
      ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", /^bad response$/],
      ["", /^connection closed before the response$/],
    ];
    for (const [reply, message] of cases) {
      const server = await rawServer((socket) => socket.end(reply));
      await assert.rejects(client.get(new URL(`${server.url}/a.gif`), options), (error: unknown) => {
        assert.ok(error instanceof FetchError, String(error));
        assert.match(error.message, message);
        return true;
      });
    }
  });

  it("caps the body of a 200 at its Content-Length, or as soon as it passes the cap, and drops the connection", async () => {
    const server = await rawServer((socket, head) => {
      if (head.startsWith("GET /huge ")) {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n");
        pourEndlessly(socket);
      } else if (head.startsWith("GET /endless ")) {
        socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        pourEndlessly(socket, true);
      } else if (head.startsWith("GET /closing ")) {
        socket.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        pourEndlessly(socket);
      } else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${"b".repeat(1000)}`);
    });
    // A deadline far away: only the cap can end these exchanges.
    const capped = { ...options, timeout: 120_000, maxBodySize: 1000 };
    await assert.rejects(
      client.get(new URL(`${server.url}/huge`), capped),
      /^FetchError: maximum file size exceeded: Content-Length 10000000000 is more than 1000 bytes$/,
    );
    for (const path of ["/endless", "/closing"]) {
      await assert.rejects(
        client.get(new URL(`${server.url}${path}`), capped),
        /^FetchError: maximum file size exceeded: more than 1000 bytes$/,
      );
    }
    await until(() => server.sockets.size === 0);
    assert.equal(server.sockets.size, 0);
    // A body of exactly the cap is whole; one byte less of cap is one too many.
    assert.equal((await client.get(new URL(`${server.url}/fits`), capped)).body.length, 1000);
    await assert.rejects(
      client.get(new URL(`${server.url}/fits`), { ...capped, maxBodySize: 999 }),
      /maximum file size exceeded: Content-Length 1000 is more than 999 bytes/,
    );
    // The default is 1 MiB.
    await assert.rejects(
      client.get(new URL(`${server.url}/endless`), { ...options, timeout: 120_000 }),
      /^FetchError: maximum file size exceeded: more than 1048576 bytes$/,
    );
  });

  it("keeps no body of another status, and reads only a little of it: an endless 404 is a 404", async () => {
    const server = await rawServer((socket, head) => {
      if (head.startsWith("GET /endless ")) {
        socket.write("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n");
        pourEndlessly(socket, true);
      } else {
        socket.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 10000000000\r\n\r\n");
        pourEndlessly(socket);
      }
    });
    const slow = { ...options, timeout: 120_000 };
    const missing = await client.get(new URL(`${server.url}/endless`), slow);
    assert.deepEqual([missing.status, missing.body.length], [404, 0]);
    const unavailable = await client.get(new URL(`${server.url}/busy`), slow);
    assert.deepEqual([unavailable.status, unavailable.body.length], [503, 0]);
    await until(() => server.sockets.size === 0);
    assert.equal(server.sockets.size, 0);
  });

  it("follows 10 redirects, says 'too many redirects' past them, and refuses a redirect out of http(s)", async () => {
    const server = await rawServer((socket, head) => {
      const hop = /^GET \/hop\/(\d+) /.exec(head);
      const location =
        hop && Number(hop[1]) < 10
          ? `/hop/${Number(hop[1]) + 1}`
          : head.startsWith("GET /loop ")
            ? "/loop"
            : "";
      if (head.startsWith("GET /ftp "))
        socket.write("HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/a.gif\r\nContent-Length: 0\r\n\r\n");
      else if (location)
        socket.write(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 5\r\n\r\nmoved`);
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhere");
    });
    assert.equal((await client.get(new URL(`${server.url}/hop/0`), options)).body.toString(), "here");
    await assert.rejects(
      client.get(new URL(`${server.url}/loop`), options),
      /^FetchError: too many redirects \(more than 10\)$/,
    );
    await assert.rejects(
      client.get(new URL(`${server.url}/ftp`), options),
      /^FetchError: bad redirect to 'ftp:\/\/127.0.0.1\/a.gif'$/,
    );
  });

  it("names a reset connection, a refused one and a timeout", async () => {
    const reset = await rawServer((socket) => socket.resetAndDestroy());
    await assert.rejects(
      client.get(new URL(`${reset.url}/a.gif`), options),
      /^FetchError: connection reset$/,
    );
    const url = new URL(`http://127.0.0.1:${await freePort()}/a.gif`);
    await assert.rejects(client.get(url, options), (error: unknown) => {
      assert.ok(error instanceof FetchError);
      assert.equal(error.message, "connection refused");
      assert.equal(error.unreachable, true);
      return true;
    });
    const silent = await rawServer(() => {});
    await assert.rejects(
      client.get(new URL(`${silent.url}/a.gif`), { ...options, timeout: 100 }),
      /^FetchError: timed out after 0.1s$/,
    );
  });

  it("times out a hung body, and a request still waiting for a connection", async () => {
    const hung = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
    );
    const started = performance.now();
    const [first, queued] = await Promise.allSettled([
      client.get(new URL(`${hung.url}/a.gif`), { ...options, timeout: 150 }),
      client.get(new URL(`${hung.url}/b.gif`), { ...options, timeout: 150 }),
    ]);
    assert.ok(performance.now() - started >= 140);
    for (const outcome of [first, queued]) {
      assert.equal(outcome.status, "rejected");
      assert.match(String(outcome.reason), /^FetchError: timed out after 0.15s$/);
    }
    // The hung exchange's connection is closed, not kept for the next request.
    await until(() => hung.sockets.size === 0);
    assert.equal(hung.sockets.size, 0);
  });

  it("stops at once when its signal aborts", async () => {
    const silent = await rawServer(() => {});
    const controller = new AbortController();
    const pending = client.get(new URL(`${silent.url}/a.gif`), { ...options, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop now")), 20);
    await assert.rejects(pending, /stop now/);
    await assert.rejects(
      client.get(new URL(`${silent.url}/a.gif`), { ...options, signal: controller.signal }),
      /stop now/,
    );
  });

  it("stops every request on a shared signal when it aborts, and leaves no listener on it", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    const silent = await rawServer(() => {});
    const controller = new AbortController();
    const signal = controller.signal;
    const done = await Promise.all(
      ["a", "b", "c"].map((name) => client.get(new URL(`${server.url}/${name}.gif`), { ...options, signal })),
    );
    assert.deepEqual(
      done.map((response) => response.body.toString()),
      ["ok", "ok", "ok"],
    );
    assert.equal(getEventListeners(signal, "abort").length, 0);
    const pending = ["a", "b", "c"].map((name) =>
      client.get(new URL(`${silent.url}/${name}.gif`), { ...options, signal }),
    );
    assert.equal(getEventListeners(signal, "abort").length, 1);
    setTimeout(() => controller.abort(new Error("stop now")), 20);
    for (const outcome of await Promise.allSettled(pending)) {
      assert.equal(outcome.status, "rejected");
      assert.match(String(outcome.reason), /stop now/);
    }
    assert.equal(getEventListeners(signal, "abort").length, 0);
  });

  it("opens a new connection when the server closed the idle one", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    await client.get(new URL(`${server.url}/a.gif`), options);
    for (const socket of server.sockets) socket.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await client.get(new URL(`${server.url}/b.gif`), options)).body.toString(), "ok");
    assert.equal(server.connections(), 2);
  });

  it("shares at most `connections` connections between concurrent requests", async () => {
    const server = await rawServer((socket) => {
      setTimeout(() => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 10);
    });
    const bodies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.get(new URL(`${server.url}/${i}.gif`), { ...options, connections: 3 }),
      ),
    );
    assert.ok(bodies.every((response) => response.body.toString() === "ok"));
    assert.equal(server.connections(), 3);
  });

  it("speaks https, trusting the certificate authority it is given, and only that", async () => {
    const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));
    const cert = await fixture("loopback-cert.pem");
    const server = createHttpsServer({ cert, key: await fixture("loopback-key.pem") }, (request, response) =>
      response.end(`secure ${request.url}`),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const url = new URL(`https://127.0.0.1:${port}/br.gif`);
    const trusting = new HttpClient({ connect: { ca: cert } });
    try {
      const response = await trusting.get(url, options);
      assert.equal(response.body.toString(), "secure /br.gif");
    } finally {
      trusting.close();
    }
    // Verification stays on: a client without that authority refuses the certificate.
    await assert.rejects(client.get(url, options), (error: unknown) => {
      assert.ok(error instanceof FetchError);
      assert.match(error.message, /self-signed certificate/);
      assert.equal(error.unreachable, false);
      return true;
    });
    server.closeAllConnections();
  });

  it("lets a process exit with idle keep-alive connections open", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    const module = new URL("../../src/flags/http-get.ts", import.meta.url).href;
    const script = [
      `const { sharedClient } = await import(${JSON.stringify(module)});`,
      `const response = await sharedClient.get(new URL("${server.url}/a.gif"), { timeout: 5000, connections: 2 });`,
      "console.log(response.body.toString());",
    ].join("\n");
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);
    assert.deepEqual([code, signal, stdout], [0, null, "ok\n"]);
    await until(() => server.sockets.size === 0);
    assert.equal(server.sockets.size, 0, "the connection ended with the process");
  });
});
