// Shared by the flags tests: temp folders, the flag server on ephemeral ports, and the
// `futures flags` command run as a child process.
import type { ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { startFlagServer, type FlagServer, type FlagServerOptions } from "../../src/server/index.ts";
import { finished, spawnCli, type CliRun } from "../helpers/cli.ts";

export { freePort } from "../helpers/net.ts";
export { finished, type CliRun };

export const DATA_DIR = fileURLToPath(new URL("../../data/", import.meta.url));

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "futures-flags-"));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The flag server on ephemeral loopback ports. */
export function startServer(options: FlagServerOptions = {}): Promise<FlagServer> {
  return startFlagServer({ ports: { LOCAL: 0, DELAY: 0, ERROR: 0 }, ...options });
}

/**
 * For the tests of a file or suite: a temporary folder and a flag server on ephemeral ports,
 * ready before the first test and gone after the last.
 */
export function useFlagServer(
  options: FlagServerOptions,
  onReady?: (server: FlagServer) => void,
): { root: string; server: FlagServer } {
  const fixture = {} as { root: string; server: FlagServer };
  before(async () => {
    fixture.root = await makeTempDir();
    fixture.server = await startServer(options);
    onReady?.(fixture.server);
  });
  after(async () => {
    await fixture.server.close();
    await removeDir(fixture.root);
  });
  return fixture;
}

/** The port of a flags base URL. */
export function portOf(url: string | undefined): number {
  return Number(new URL(url!).port);
}

/** The environment that points LOCAL, DELAY and ERROR at a test server's ports. */
export function labelEnv(server: FlagServer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (server.urls.LOCAL) env.FUTURES_LOCAL_PORT = String(portOf(server.urls.LOCAL));
  if (server.urls.DELAY) env.FUTURES_DELAY_PORT = String(portOf(server.urls.DELAY));
  if (server.urls.ERROR) env.FUTURES_ERROR_PORT = String(portOf(server.urls.ERROR));
  return env;
}

/** Start `futures flags ARGS` in `cwd`; the test owns the child until it exits. */
export function spawnFlags(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawnCli(["flags", ...args], cwd, env);
}

export function runFlagsCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return finished(spawnFlags(args, cwd, env));
}

/** Names in `dir`, sorted; temporary files included (they start with a dot). */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** The flag of `cc` as the data set has it. */
export function dataFlag(cc: string): Promise<Buffer> {
  const code = cc.toLowerCase();
  return readFile(join(DATA_DIR, "flags", code, `${code}.gif`));
}

/** Resolve once `count` codes printed " ok" with -v (or the child ended): a point to interrupt it. */
export function afterOks(child: ChildProcess, count: number): Promise<void> {
  let seen = "";
  return new Promise((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if ((seen.match(/ ok$/gm) ?? []).length >= count) resolve();
    });
    child.on("close", () => resolve());
  });
}

/**
 * Write an endless body to `stream` (a socket or a response), as fast as it drains, in
 * chunked framing when `chunked`, until the other side closes it.
 */
export function pourEndlessly(stream: Writable, chunked = false): void {
  const block = Buffer.alloc(64 * 1024, "a");
  const frame = chunked
    ? Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from("\r\n")])
    : block;
  stream.on("error", () => {});
  const write = (): void => {
    while (!stream.destroyed && stream.write(frame));
    if (!stream.destroyed) stream.once("drain", write);
  };
  write();
}
