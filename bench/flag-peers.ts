// The peers of `futures flags`, each run as its own user would run it and timed from spawn to
// exit into a fresh folder: the book's own flags2 scripts (bench/peers/fluent-python, through
// bench/peers/run-fluent-python.py), `curl -Z`, and a plain node:net downloader, the floor.
import { execFileSync } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EVERY_CODE, ROOT, reported, timeCommand, withDest, type Sample } from "./flag-runs.ts";

const PYTHON = "/usr/bin/python3";
const BOOK_RUNNER = join(ROOT, "bench", "peers", "run-fluent-python.py");
const RAW_NET = join(ROOT, "bench", "peers", "raw-net-flags.mjs");
const LETTERS = [..."abcdefghijklmnopqrstuvwxyz"];
const EVERY = LETTERS.flatMap((a) => LETTERS.map((b) => a + b));

export type BookScript = "flags2_asyncio.py" | "flags2_threadpool.py";

/** Why the book's scripts cannot run here (they need httpx and tqdm), or undefined when they can. */
export function bookPeersMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ["-c", "import httpx, tqdm"], { stdio: "ignore" });
    return undefined;
  } catch {
    return `${PYTHON} lacks httpx or tqdm: the book's flags2 peers are skipped (apt-get install python3-httpx python3-tqdm).`;
  }
}

/**
 * `python3 SCRIPT ARGS` of the book, unmodified, in a fresh folder (it saves into ./downloaded),
 * with `servers` (say { LOCAL: url }) in place of its fixed localhost:8000-8002 URLs.
 */
export function bookFlags(
  script: BookScript,
  args: string[],
  servers: Record<string, string>,
  expected = EVERY_CODE,
): Promise<Sample> {
  const table = Object.entries(servers).map(([label, url]) => `${label}=${url}`);
  return withDest(async (dest) => {
    const run = await timeCommand(PYTHON, [BOOK_RUNNER, script, ...table, "--", ...args], {}, dest);
    const sample = reported(run, expected);
    const saved = run.code === 0 ? (await readdir(join(dest, "downloaded"))).length : 0;
    return sample.ok && saved !== expected.ok ? { ...sample, ok: false, note: `${saved} files` } : sample;
  });
}

/** bench/peers/raw-net-flags.mjs: the same -e work on bare node:net sockets. */
export function rawNetFlags(baseUrl: string, concurrency: number): Promise<Sample> {
  return withDest(async (dest) => {
    const run = await timeCommand(process.execPath, [RAW_NET, baseUrl, String(concurrency), dest]);
    const sample = reported(run);
    const saved = (await readdir(dest)).filter((name) => name.endsWith(".gif")).length;
    return sample.ok && saved !== EVERY_CODE.ok ? { ...sample, ok: false, note: `${saved} files` } : sample;
  });
}

/** `curl -Z` over the 676 URLs of -e with `parallel` transfers at most; a 404 saves nothing. */
export function curlParallel(baseUrl: string, parallel: number): Promise<Sample> {
  return withDest(async (dest) => {
    const config = EVERY.map(
      (code) => `url = "${baseUrl}/${code}/${code}.gif"\noutput = "${dest}/${code}.gif"`,
    );
    const configFile = join(dest, ".curl-config");
    await writeFile(configFile, config.join("\n"));
    const run = await timeCommand("curl", [
      "-s",
      "--fail",
      "-Z",
      "--parallel-max",
      String(parallel),
      "-K",
      configFile,
    ]);
    const files = (await readdir(dest)).filter((name) => name.endsWith(".gif")).length;
    return { ms: run.ms, ok: files === EVERY_CODE.ok, note: `${files} files` };
  });
}
