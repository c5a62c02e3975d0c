// nginx serving the flag data set on a free loopback port, as a peer server for benchmarks:
// one worker (like node's one thread), in the foreground, stopped by its pid.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Nginx {
  /** e.g. "nginx/1.22.1" */
  name: string;
  /** Base URL of the flags: `${baseUrl}/br/br.gif`. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** nginx serving `dataDir` (the book's layout, flags/{cc}/{cc}.gif); undefined without nginx. */
export async function startNginx(dataDir: string): Promise<Nginx | undefined> {
  const version = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  if (version.error) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "bench-nginx-"));
  const port = await freePort();
  const temp = ["body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((name) => `  ${name === "body" ? "client_body" : name}_temp_path ${dir}/${name};`)
    .join("\n");
  await writeFile(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  types { image/gif gif; application/json json; }
  access_log off;
  keepalive_requests 1000000;
${temp}
  server { listen 127.0.0.1:${port}; root ${dataDir}; }
}
`,
  );
  const child = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForPort(port, child);
  return {
    name: /nginx\/[\d.]+/.exec(version.stderr)?.[0] ?? "nginx",
    baseUrl: `http://127.0.0.1:${port}/flags`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGQUIT");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on port ${port}`);
}
