import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, it } from "node:test";
import { POP20_CC } from "../../src/flags/country-codes.ts";
import {
  afterOks,
  dataFlag,
  finished,
  freePort,
  labelEnv,
  listDir,
  runFlagsCli,
  spawnFlags,
  useFlagServer,
} from "../flags/helpers.ts";

let env: NodeJS.ProcessEnv;
let dirs = 0;
const fixture = useFlagServer({ only: ["LOCAL", "DELAY"], delay: 0.25 }, (server) => {
  env = labelEnv(server);
});

function newDest(): string {
  return join(fixture.root, `dest-${++dirs}`);
}

/** The lines of the final report, from the dashes on. */
function finalLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split("\n");
  return lines.slice(lines.indexOf("-".repeat(20)));
}

describe("futures flags", () => {
  for (const [executor, maxReq] of [
    ["sequential", undefined],
    ["async", undefined],
    ["threads", "4"],
    ["processes", "2"],
  ] as const) {
    it(`downloads the 20 default flags, byte for byte, on ${executor}`, async () => {
      const dest = newDest();
      const args = ["-x", executor, "-d", dest, ...(maxReq ? ["-m", maxReq] : [])];
      const run = await runFlagsCli(args, fixture.root, env);
      assert.equal(run.code, 0, run.stderr);
      const concurrency = { sequential: 1, async: 5, threads: 4, processes: 2 }[executor];
      const lines = run.stdout.split("\n");
      assert.equal(lines[0], `LOCAL site: ${fixture.server.urls.LOCAL}`);
      assert.equal(lines[1], "Searching for 20 flags: from BD to VN");
      assert.equal(
        lines[2],
        concurrency === 1
          ? "1 connection will be used."
          : `${concurrency} concurrent connections will be used.`,
      );
      const [dashes, downloaded, elapsed] = finalLines(run.stdout);
      assert.equal(dashes, "--------------------");
      assert.equal(downloaded, " 20 flags downloaded.");
      assert.match(elapsed!, /^Elapsed time: \d+\.\d\ds$/);
      assert.equal(run.stderr, "", "no progress bar when stderr is not a terminal");
      assert.deepEqual(
        await listDir(dest),
        [...POP20_CC].sort().map((cc) => `${cc.toLowerCase()}.gif`),
      );
      for (const cc of POP20_CC)
        assert.deepEqual(await readFile(join(dest, `${cc.toLowerCase()}.gif`)), await dataFlag(cc));
    });
  }

  it("reports 194 downloaded and 482 not found for -e", async () => {
    const run = await runFlagsCli(["-e", "-m", "100", "-d", newDest()], fixture.root, env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /Searching for 676 flags: from AA to ZZ\n100 concurrent connections will be used\./,
    );
    assert.deepEqual(finalLines(run.stdout).slice(1, 3), ["194 flags downloaded.", "482 not found."]);
  });

  it("selects with -a, first letters and -l, and prints a line per code with -v", async () => {
    const all = await runFlagsCli(["-a", "-l", "3", "-v", "-d", newDest()], fixture.root, env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /Searching for 3 flags: AD, AE, AF\n/);
    assert.deepEqual(all.stdout.match(/^A[DEF] ok$/gm)?.sort(), ["AD ok", "AE ok", "AF ok"]);

    const dest = newDest();
    const letters = await runFlagsCli(["z", "BR", "-v", "-d", dest], fixture.root, env);
    assert.equal(letters.code, 0, letters.stderr);
    assert.match(letters.stdout, /Searching for 27 flags: from BR to ZZ\n/);
    assert.match(letters.stdout, /^ZA ok$/m);
    assert.match(letters.stdout, /^ZZ not found$/m);
    assert.deepEqual(finalLines(letters.stdout).slice(1, 3), ["  4 flags downloaded.", " 23 not found."]);
    assert.deepEqual(await listDir(dest), ["br.gif", "za.gif", "zm.gif", "zw.gif"]);

    const again = await runFlagsCli(["BR", "-v", "-d", dest], fixture.root, env);
    assert.match(again.stdout, /^BR ok \(kept the file already there\)$/m);
  });

  it("prints the whole result as JSON with --json", async () => {
    const run = await runFlagsCli(["BR", "XX", "CN", "--json", "-d", newDest()], fixture.root, env);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout);
    assert.deepEqual(document.server, { label: "LOCAL", url: fixture.server.urls.LOCAL, startedHere: false });
    assert.equal(document.executor, "async");
    assert.equal(document.concurrency, 3);
    assert.equal(document.codes, 3);
    assert.equal(document.interrupted, false);
    assert.deepEqual(document.counts, { ok: 2, notFound: 1, error: 0, cancelled: 0 });
    assert.equal(typeof document.elapsedMs, "number");
    assert.deepEqual(
      document.results.map((r: { cc: string; status: string }) => [r.cc, r.status]),
      [
        ["BR", "ok"],
        ["CN", "ok"],
        ["XX", "not_found"],
      ],
    );
    const br = document.results[0];
    assert.equal(br.attempts, 1);
    assert.equal(br.bytes, (await dataFlag("BR")).length);
    assert.equal(typeof br.elapsedMs, "number");
  });

  it("starts the flag server itself when nothing listens on the label's port", async () => {
    const port = await freePort();
    const dest = newDest();
    const run = await runFlagsCli(["-d", dest, "BR", "CN"], fixture.root, {
      FUTURES_LOCAL_PORT: String(port),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout.split("\n")[0]!,
      new RegExp(
        `^LOCAL site: http://127\\.0\\.0\\.1:\\d+/flags \\(started here: nothing was listening on port ${port}\\)$`,
      ),
    );
    assert.match(run.stdout, / {2}2 flags downloaded\./);
    assert.deepEqual(await listDir(dest), ["br.gif", "cn.gif"]);
  });

  it("keeps its own server when another run starts beside it on the same label", async () => {
    const env = { FUTURES_DELAY_PORT: String(await freePort()) };
    const first = runFlagsCli(["-s", "DELAY", "-d", newDest(), "BR", "CN"], fixture.root, env);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await runFlagsCli(
      ["-s", "DELAY", "-x", "sequential", "-a", "-l", "4", "-d", newDest()],
      fixture.root,
      env,
    );
    assert.equal((await first).code, 0, (await first).stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, / {2}4 flags downloaded\./);
  });

  it("downloads over https from any base URL", async () => {
    const fixtureFile = (name: string) =>
      fileURLToPath(new URL(`../flags/fixtures/${name}`, import.meta.url));
    const cert = fixtureFile("loopback-cert.pem");
    const https = createHttpsServer(
      { cert: await readFile(cert), key: await readFile(fixtureFile("loopback-key.pem")) },
      (request, response) => {
        if (request.url !== "/some/flags/br/br.gif") response.writeHead(404).end();
        else void dataFlag("BR").then((flag) => response.end(flag));
      },
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = https.address() as { port: number };
      const dest = newDest();
      const url = `https://127.0.0.1:${port}/some/flags`;
      const run = await runFlagsCli(["-s", url, "-v", "BR", "XX", "-d", dest], fixture.root, {
        NODE_EXTRA_CA_CERTS: cert,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^URL site: ${url}$`, "m"));
      assert.match(run.stdout, /^BR ok$/m);
      assert.match(run.stdout, /^XX not found$/m);
      assert.deepEqual(await readFile(join(dest, "br.gif")), await dataFlag("BR"));
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it("exits after its report when a server takes the connection and never answers the TLS handshake", async () => {
    const taken = new Set<Socket>();
    const silent = createNetServer((socket) => taken.add(socket.on("error", () => {})));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as { port: number };
      const args = [
        "-s",
        `https://127.0.0.1:${port}/flags`,
        "--timeout",
        "1",
        "-v",
        "BR",
        "CN",
        "-d",
        newDest(),
      ];
      // Before, the handshakes kept the process alive after the report: killed at 30 s.
      const run = await finished(spawnFlags(args, fixture.root, env), 30_000);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^BR error: timed out after 1s$/m);
      assert.deepEqual(finalLines(run.stdout).slice(1, 3), ["  0 flags downloaded.", "  2 errors."]);
    } finally {
      // Its sockets read nothing, so they never see the client go: ended here.
      for (const socket of taken) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("exits 1 with a hint when nothing answers at a URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}/flags`;
    const run = await runFlagsCli(["-s", url, "-v", "BR", "CN", "-d", newDest()], fixture.root, env);
    assert.equal(run.code, 1);
    assert.match(run.stdout, new RegExp(`^URL site: ${url}$`, "m"));
    assert.match(run.stdout, /^BR error: connection refused$/m);
    assert.deepEqual(finalLines(run.stdout).slice(1, 3), ["  0 flags downloaded.", "  2 errors."]);
    assert.match(run.stderr, /^hint: nothing answered at .* \(connection refused\)/m);
  });

  it("exits 1 with one clear line when the destination cannot be written", async () => {
    const file = join(fixture.root, "a-file");
    await writeFile(file, "in the way");
    const run = await runFlagsCli(["BR", "-d", join(file, "flags")], fixture.root, env);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^futures: cannot write flags to '.*a-file\/flags': .*\n$/);
  });

  it("exits 2 with one line and no stack trace on every usage error", async () => {
    const cases = [
      ["XYZ"],
      ["-l", "0"],
      ["-m", "x"],
      ["-s", "NOWHERE"],
      // A password in -s is refused, and never shown, parsable or not.
      ["-s", "http://user:s3cret-pw@127.0.0.1:1/flags"],
      ["-s", "ftp://user:s3cret-pw@127.0.0.1/flags"],
      ["-s", "http://user:s3cret/pw@127.0.0.1/flags"],
      ["-x", "fibers"],
      ["--timeout", "0"],
      ["--retries", "-1"],
      ["--max-filesize", "0"],
      ["--max-filesize", "lots"],
      ["--max-filesize", "4G"],
      ["--max-filesize"],
      ["--no-such-option"],
      ["-l"],
      // Checked before the LOCAL server starts or the header is printed.
      ["-x", "queue", "--queue", "a:b"],
      ["-x", "queue", "--connection", "http://x"],
      ["-x", "queue", "--connection", "redis://127.0.0.1:99999"],
      ["-x", "queue", "--connection", "redis://127.0.0.1:0"],
    ];
    await Promise.all(
      cases.map(async (args) => {
        const run = await runFlagsCli([...args, "-d", newDest()], fixture.root, env);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.equal(run.stdout, "", args.join(" "));
        assert.match(run.stderr, /^(futures flags: )?error: /, args.join(" "));
        assert.ok(run.stderr.trimEnd().split("\n").length <= 3, run.stderr);
        assert.doesNotMatch(run.stderr, /^\s+at /m, args.join(" "));
        assert.doesNotMatch(run.stderr, /s3cret/, run.stderr);
      }),
    );
  });

  for (const [executor, maxReq] of [
    ["async", "5"],
    ["processes", "2"],
  ] as const) {
    it(`stops on Ctrl-C on ${executor}: complete files only, a report, exit 130`, async () => {
      const dest = newDest();
      const child = spawnFlags(
        ["-s", "DELAY", "-a", "-v", "-x", executor, "-m", maxReq, "-d", dest],
        fixture.root,
        env,
      );
      const run = finished(child);
      // Interrupt once a few flags are in.
      await afterOks(child, 3);
      child.kill("SIGINT");
      const { code, stdout } = await run;
      assert.equal(code, 130, stdout);
      const [, downloaded, cancelled, elapsed] = finalLines(stdout);
      const ok = Number(downloaded!.match(/^ *(\d+) flags? downloaded\.$/)![1]);
      assert.ok(ok >= 3);
      assert.equal(ok + Number(cancelled!.match(/^ *(\d+) cancelled\.$/)![1]), 194);
      assert.match(elapsed!, /^Elapsed time: /);
      const files = await listDir(dest);
      assert.equal(files.length, ok, `only complete files: ${files.join(" ")}`);
      for (const file of files)
        assert.deepEqual(await readFile(join(dest, file)), await dataFlag(file.slice(0, 2)));
    });
  }
});
