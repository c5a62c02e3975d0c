// `futures flags` against a hostile or broken server on 127.0.0.1: endless bodies, a huge
// Content-Length, HTML sent with 200, a redirect loop, terminal controls in its headers. Each
// such code fails alone, with a clear reason, nothing of it on disk, and the command's memory
// stays bounded.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dataFlag, finished, listDir, makeTempDir, pourEndlessly, removeDir, spawnFlags } from "./helpers.ts";

let root: string;
let server: Server;
let baseUrl: string;
let dirs = 0;

/** What the server does for each code; any other code gets its real flag, or a 404. */
const HOSTILE: Record<string, (response: import("node:http").ServerResponse) => void> = {
  // An endless chunked body.
  br: (response) => {
    response.writeHead(200, { "content-type": "image/gif" });
    pourEndlessly(response);
  },
  // A Content-Length of 10 GB, and bytes to match for as long as the client reads.
  cn: (response) => {
    response.writeHead(200, { "content-type": "image/gif", "content-length": "10000000000" });
    pourEndlessly(response);
  },
  // A web page instead of a flag.
  in: (response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!DOCTYPE html><html><body>Please log in</body></html>");
  },
  // A redirect to itself.
  us: (response) => response.writeHead(302, { location: "/flags/us/us.gif" }).end(),
  // Terminal controls in the headers: CSI (U+009B) "2J" clears a terminal's screen. Node writes
  // a header's characters as bytes (latin1), and undici reads them back so: raw 0x9B, and the
  // UTF-8 of U+009B (C2 9B) and of a bidi override (E2 80 AE), each arrive as U+009B or U+0080.
  fr: (response) => response.writeHead(200, { "content-type": "text/\x9b2J" }).end("<html>"),
  de: (response) => response.writeHead(200, { "content-type": "text/\xc2\x9b2J" }).end("<html>"),
  jp: (response) => response.writeHead(302, { location: "x:\x9b2J" }).end(),
  kr: (response) => response.writeHead(302, { location: "x:\xc2\x9b2J\xe2\x80\xae" }).end(),
  // A 404 whose body never ends.
  id: (response) => {
    response.writeHead(404, { "content-type": "text/html" });
    pourEndlessly(response);
  },
};

before(async () => {
  root = await makeTempDir();
  server = createServer((request, response) => {
    const cc = /^\/flags\/([a-z]{2})\/\1\.gif$/.exec(request.url ?? "")?.[1];
    const hostile = cc && HOSTILE[cc];
    if (hostile) return hostile(response);
    if (!cc) return void response.writeHead(404).end();
    dataFlag(cc).then(
      (flag) =>
        response.writeHead(200, { "content-type": "image/gif", "content-length": flag.length }).end(flag),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/flags`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await removeDir(root);
});

/** The child's resident memory in bytes (Linux), or undefined once it is gone. */
function rss(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Follow the child's memory: `start` once it printed its first line (everything loaded,
 * nothing downloaded yet), `peak` the highest seen after that, polled every 10 ms.
 */
function watchMemory(child: ChildProcess): { start: number; peak: number } {
  const seen = { start: 0, peak: 0 };
  child.stdout!.once("data", () => {
    seen.start = rss(child.pid!) ?? 0;
    const poll = setInterval(() => {
      const now = rss(child.pid!);
      if (now === undefined) clearInterval(poll);
      else seen.peak = Math.max(seen.peak, now);
    }, 10);
    child.on("exit", () => clearInterval(poll));
  });
  return seen;
}

const MB = 1024 * 1024;

describe("futures flags against a hostile server", () => {
  // Memory is measured where the downloads run in the command's own process (a thread pool
  // adds an isolate of some 30 MB per thread, whatever the bodies).
  for (const [executor, measured] of [
    ["async", true],
    ["sequential", true],
    ["threads", false],
  ] as const) {
    it(`fails only the bad codes on ${executor}, each with its reason, keeps nothing of them${measured ? ", and stays small" : ""}`, async () => {
      const dest = join(root, `dest-${++dirs}`);
      // A deadline far away: only the cap can end the endless bodies in time.
      const args = ["BR", "CN", "IN", "US", "ID", "PK", "NG", "-v", "-m", "3", "--timeout", "60"];
      const child = spawnFlags([...args, "-x", executor, "-s", baseUrl, "-d", dest], root);
      const memory = watchMemory(child);
      const run = await finished(child, 120_000);
      assert.equal(run.code, 1, run.stderr);
      const verdicts = run.lines.filter((line) => /^[A-Z]{2} /.test(line)).sort();
      assert.deepEqual(verdicts, [
        "BR error: maximum file size exceeded: more than 1048576 bytes",
        "CN error: maximum file size exceeded: Content-Length 10000000000 is more than 1048576 bytes",
        "ID not found",
        "IN error: not a GIF: text/html",
        "NG ok",
        "PK ok",
        "US error: too many redirects (more than 10)",
      ]);
      assert.match(run.stdout, /^ *2 flags downloaded\.$/m);
      assert.match(run.stdout, /^ *1 not found\.$/m);
      assert.match(run.stdout, /^ *4 errors\.$/m);
      // Nothing of the failed codes: no file, no temporary file.
      assert.deepEqual(await listDir(dest), ["ng.gif", "pk.gif"]);
      assert.deepEqual(await readFile(join(dest, "pk.gif")), await dataFlag("PK"));
      if (!measured) return;
      assert.ok(memory.start > 0, "the memory was measured");
      assert.ok(
        memory.peak - memory.start < 100 * MB,
        `grew by ${((memory.peak - memory.start) / MB).toFixed(1)} MB`,
      );
    });
  }

  it("escapes the controls of a Content-Type and a Location, in the verbose lines and in --json", async () => {
    const dest = join(root, `dest-${++dirs}`);
    // -v with --json: the verbose lines go to stderr, the document to stdout.
    const child = spawnFlags(["FR", "DE", "JP", "KR", "-v", "--json", "-s", baseUrl, "-d", dest], root);
    const run = await finished(child);
    assert.equal(run.code, 1, run.stderr);
    const expected = {
      DE: "not a GIF: text/\u00e2\\x9b2j",
      FR: "not a GIF: text/\\x9b2j",
      JP: "bad redirect to 'x:\\x9b2J'",
      KR: "bad redirect to 'x:\u00c2\\x9b2J\u00e2\\x80\u00ae'",
    };
    for (const output of [run.stdout, run.stderr]) assert.doesNotMatch(output, /[\x80-\x9f\u202e]/u);
    const verdicts = run.stderr.split("\n").filter((line) => /^[A-Z]{2} /.test(line));
    assert.deepEqual(
      verdicts.sort(),
      Object.entries(expected).map(([cc, error]) => `${cc} error: ${error}`),
    );
    const { results } = JSON.parse(run.stdout) as { results: { cc: string; error: string }[] };
    const errors = Object.fromEntries(results.map(({ cc, error }) => [cc, error]));
    assert.deepEqual(errors, expected);
    assert.deepEqual(await listDir(dest), []);
  });

  it("takes --max-filesize with a suffix: a flag over it is an error, the others download", async () => {
    const dest = join(root, `dest-${++dirs}`);
    // AF's flag is 24480 bytes, PK's less than 20 KiB.
    assert.equal((await dataFlag("AF")).length, 24480);
    const child = spawnFlags(["AF", "PK", "-v", "--max-filesize", "20k", "-s", baseUrl, "-d", dest], root);
    const run = await finished(child);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /^AF error: maximum file size exceeded: Content-Length 24480 is more than 20480 bytes$/m,
    );
    assert.match(run.stdout, /^PK ok$/m);
    assert.deepEqual(await listDir(dest), ["pk.gif"]);
  });
});
