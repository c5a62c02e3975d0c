// A real redis-server for one test file: a free loopback port, no persistence, stopped by pid.
// Restarting it on the same port with no data is how the tests make "Redis came back empty".
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface RedisServer {
  port: number;
  url: string;
  pid: number;
  /** SIGKILL the server and wait until it is gone. */
  kill(): Promise<void>;
  /**
   * Start the server again on the same port: empty, or with `fromSnapshot` from the last
   * snapshot it saved (SAVE), as after a crash with RDB persistence.
   */
  restart(options?: { fromSnapshot?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

// Never outlive the test file, even one that ends before its hooks run.
const alive = new Set<ChildProcess>();
process.once("exit", () => alive.forEach((child) => child.kill("SIGKILL")));

/**
 * Start redis-server on `port`, with `extra` arguments (after a configuration file, if given);
 * resolves once its log says `ready`.
 */
export function launchServer(
  port: number,
  extra: readonly string[] = [],
  { config, ready = "Ready to accept connections" }: { config?: string; ready?: string } = {},
): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      ...(config ? [config] : []),
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
      // DEBUG SLEEP stalls the server as a slow disk or a long script would.
      "--enable-debug-command",
      "local",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  alive.add(child);
  child.once("exit", () => alive.delete(child));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start on port ${port}:\n${output}`));
    }, 10_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (apt-get install redis-server): ${error.message}`));
    });
    const exitedEarly = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    };
    child.on("exit", exitedEarly);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes(ready)) {
        clearTimeout(timer);
        // Only our own listener: removing every "exit" listener also removed the one that
        // drops the child from `alive`.
        child.off("exit", exitedEarly);
        child.stdout!.resume();
        resolve(child);
      }
    });
  });
}

export function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Start a server; with `tls` (see tls-certificates.ts), it speaks only TLS, with that
 * certificate, and its `url` is rediss://.
 */
export async function startRedis(tls?: { cert: string; key: string }): Promise<RedisServer> {
  const port = await freePort();
  // Later arguments win: "--port 0" turns off the plain port that launchServer opens.
  const extra = tls
    ? [
        "--port",
        "0",
        "--tls-port",
        String(port),
        "--tls-cert-file",
        tls.cert,
        "--tls-key-file",
        tls.key,
        "--tls-auth-clients",
        "no",
      ]
    : [];
  // A folder of its own: a snapshot it saves is found only by its own restart.
  const dir = mkdtempSync(join(tmpdir(), "futures-redis-"));
  const snapshot = join(dir, "dump.rdb");
  const launch = (port: number): Promise<ChildProcess> =>
    launchServer(port, [...extra, "--dir", dir, "--dbfilename", "dump.rdb"]);
  let child = await launch(port);
  const server: RedisServer = {
    port,
    url: `${tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
    pid: child.pid!,
    async kill() {
      child.kill("SIGKILL");
      await ended(child);
    },
    async restart({ fromSnapshot = false } = {}) {
      await server.kill();
      if (!fromSnapshot) rmSync(snapshot, { force: true });
      child = await launch(port);
      server.pid = child.pid!;
    },
    async stop() {
      child.kill("SIGTERM");
      await ended(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
