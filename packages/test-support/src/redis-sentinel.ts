// A real Sentinel setup for one test file: a master, its replica and three sentinels that
// watch it (quorum 2), on free loopback ports; and a failover, asked of the sentinels as an
// operator would, or forced by killing the master as a crash would.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { redisCli, waitFor } from "./redis-cli.ts";
import { ended, launchServer } from "./redis-server.ts";

export const MASTER_NAME = "futures";

export interface RedisSentinels {
  /** redis+sentinel://127.0.0.1:PORT,.../futures */
  url: string;
  /** The port of the master the sentinels name now. */
  master(): Promise<number>;
  /** Fail over to the replica (SENTINEL FAILOVER, or with `kill` a killed master); the new master's port. */
  failOver(options?: { kill?: boolean }): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisSentinels(): Promise<RedisSentinels> {
  const dir = mkdtempSync(join(tmpdir(), "futures-sentinel-"));
  const servers = new Map<number, ChildProcess>();
  const masterPort = await freePort();
  // A replica stores what it receives in a file, and a server loads the file it finds: each
  // keeps its own, in the setup's folder.
  const files = (port: number): string[] => ["--dir", dir, "--dbfilename", `dump-${port}.rdb`];
  servers.set(masterPort, await launchServer(masterPort, files(masterPort)));
  const replicaPort = await freePort();
  servers.set(
    replicaPort,
    await launchServer(replicaPort, [...files(replicaPort), "--replicaof", "127.0.0.1", String(masterPort)]),
  );
  await waitFor("the replica in sync", async () =>
    (await redisCli(replicaPort, "INFO", "replication")).includes("master_link_status:up"),
  );
  const sentinels = new Map<number, ChildProcess>();
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const config = join(dir, `sentinel-${port}.conf`);
    // Sentinel rewrites its configuration file as it learns: each has one of its own.
    writeFileSync(
      config,
      [
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        "",
      ].join("\n"),
    );
    // A sentinel logs no "Ready to accept connections": its monitoring means it is up.
    sentinels.set(port, await launchServer(port, ["--sentinel"], { config, ready: "+monitor master" }));
  }
  const asked = [...sentinels.keys()][0]!;
  const master = async (): Promise<number> => {
    const reply = await redisCli(asked, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
    return Number(reply.split("\n")[1]);
  };
  await waitFor("every sentinel knowing the replica and the others", async () => {
    for (const port of sentinels.keys()) {
      const info = await redisCli(port, "SENTINEL", "master", MASTER_NAME);
      const field = (name: string): number => Number(info.split("\n")[info.split("\n").indexOf(name) + 1]);
      if (field("num-slaves") < 1 || field("num-other-sentinels") < 2) return false;
    }
    return true;
  });
  return {
    url: `redis+sentinel://${[...sentinels.keys()].map((port) => `127.0.0.1:${port}`).join(",")}/${MASTER_NAME}`,
    master,
    async failOver({ kill = false } = {}) {
      const from = await master();
      const other = from === masterPort ? replicaPort : masterPort;
      if (kill) {
        servers.get(from)!.kill("SIGKILL");
        await ended(servers.get(from)!);
      } else await redisCli(asked, "SENTINEL", "FAILOVER", MASTER_NAME);
      await waitFor(`${other} promoted`, async () => (await master()) === other);
      await waitFor(`${other} a master`, async () => (await redisCli(other, "ROLE")).startsWith("master"));
      return other;
    },
    async stop() {
      const all = [...sentinels.values(), ...servers.values()];
      for (const child of all) child.kill("SIGKILL");
      await Promise.all(all.map(ended));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
