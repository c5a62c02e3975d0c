// A real Redis Cluster for one test file: three masters and a replica of each, on free
// loopback ports, built with redis-cli as an operator would; and the two events a cluster's
// clients must survive: a slot moving to another master, and a master failing over.
import { execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";
import { redisCli, waitFor } from "./redis-cli.ts";
import { ended, launchServer } from "./redis-server.ts";

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  pid: number;
}

export interface RedisCluster {
  nodes: ClusterNode[];
  /** redis+cluster://127.0.0.1:PORT,... of every master. */
  url: string;
  /** The cluster's answer to one command, on the node at `port`. */
  command(port: number, ...args: string[]): Promise<string>;
  /** The master that holds the slot of `key`. */
  masterOf(key: string): Promise<number>;
  /** Move the slot of `key`, with its keys, to another master; returns that master's port. */
  moveSlotOf(key: string): Promise<number>;
  /**
   * Have the replica of the master that holds `key` take over: by CLUSTER FAILOVER, or with
   * `kill`, by killing the master (SIGKILL) as a crash would. Returns the new master's port.
   */
  failOver(key: string, options?: { kill?: boolean }): Promise<number>;
  stop(): Promise<void>;
}

/** Node id, port, role, master (for a replica) and whether it holds slots, as CLUSTER NODES says. */
async function clusterNodes(
  port: number,
): Promise<{ id: string; port: number; master: boolean; of: string; slots: boolean }[]> {
  const text = await redisCli(port, "CLUSTER", "NODES");
  return text.split("\n").map((line) => {
    const [id, address, flags, of, , , , , ...slots] = line.split(" ");
    return {
      id: id!,
      port: Number(address!.split(/[:@]/)[1]),
      master: flags!.includes("master"),
      of: of!,
      slots: slots.length > 0,
    };
  });
}

async function launchNode(dir: string, tries = 3): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const bus = await freePort();
  try {
    const child = await launchServer(port, [
      "--cluster-enabled",
      "yes",
      "--cluster-port",
      String(bus),
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
      // Long enough that a node starved of CPU on a loaded machine is not taken for failed.
      "--cluster-node-timeout",
      "5000",
      "--dir",
      dir,
    ]);
    return { port, process: child };
  } catch (error) {
    if (tries <= 1) throw error;
    return launchNode(dir, tries - 1);
  }
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "futures-cluster-"));
  const children: ChildProcess[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 6; i++) {
    // A port free a moment ago may be taken by the time the server binds it: try new ones.
    const child = await launchNode(dir);
    children.push(child.process);
    nodes.push({ port: child.port, pid: child.process.pid! });
  }

  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "1", "--cluster-yes"], {
    timeout: 30_000,
  });
  for (const { port } of nodes) {
    await waitFor("cluster_state:ok", async () =>
      (await redisCli(port, "CLUSTER", "INFO")).includes("cluster_state:ok"),
    );
  }
  // Replicas join a moment after the slots are assigned: until then they show as masters.
  await waitFor(
    "three replicas",
    async () => (await clusterNodes(nodes[0]!.port)).filter((node) => !node.master).length === 3,
  );
  // A replica can take over only once it holds its master's data, and every node must agree.
  await waitFor("three replicas in sync, seen by every node", async () => {
    let synced = 0;
    for (const { port } of nodes) {
      if ((await clusterNodes(port)).filter((node) => !node.master).length !== 3) return false;
      if ((await redisCli(port, "INFO", "replication")).includes("master_link_status:up")) synced++;
    }
    return synced === 3;
  });
  const masters = (await clusterNodes(nodes[0]!.port)).filter((node) => node.slots).map((node) => node.port);
  const dead = new Set<number>();
  const live = (): number => nodes.find((node) => !dead.has(node.port))!.port;
  const cluster: RedisCluster = {
    nodes,
    url: `redis+cluster://${masters.map((port) => `127.0.0.1:${port}`).join(",")}`,
    command: redisCli,
    async masterOf(key) {
      const asking = live();
      const slot = Number(await redisCli(asking, "CLUSTER", "KEYSLOT", key));
      const { stdout } = await run("redis-cli", ["-p", String(asking), "-2", "--json", "CLUSTER", "SLOTS"]);
      // Each range: [first slot, last slot, [master host, master port, id], replicas...].
      const ranges = JSON.parse(stdout) as [number, number, [string, number, string]][];
      const range = ranges.find(([first, last]) => first <= slot && slot <= last);
      if (!range) throw new Error(`no master holds slot ${slot}`);
      return range[2][1];
    },
    async moveSlotOf(key) {
      const slot = await redisCli(live(), "CLUSTER", "KEYSLOT", key);
      const from = await cluster.masterOf(key);
      const all = await clusterNodes(from);
      const source = all.find((node) => node.port === from)!;
      const target = all.find((node) => node.master && node.slots && node.port !== from)!;
      await redisCli(target.port, "CLUSTER", "SETSLOT", slot, "IMPORTING", source.id);
      await redisCli(from, "CLUSTER", "SETSLOT", slot, "MIGRATING", target.id);
      for (;;) {
        // Ten keys at a time, as redis-cli --cluster reshard moves them, with a pause between:
        // clients meet the slot half moved (ASK, TRYAGAIN) for a while.
        const keys = (await redisCli(from, "CLUSTER", "GETKEYSINSLOT", slot, "10"))
          .split("\n")
          .filter(Boolean);
        if (keys.length === 0) break;
        await redisCli(from, "MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS", ...keys);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const node of all.filter((node) => node.master && !dead.has(node.port))) {
        await redisCli(node.port, "CLUSTER", "SETSLOT", slot, "NODE", target.id);
      }
      await waitFor(
        `slot ${slot} on ${target.port}`,
        async () => (await cluster.masterOf(key)) === target.port,
      );
      return target.port;
    },
    async failOver(key, { kill = false } = {}) {
      const from = await cluster.masterOf(key);
      // After an earlier failover, the old master turns into a replica of the new one a moment
      // later: until it shows as one, and holds the data, there is nothing to promote.
      let replica: { port: number } | undefined;
      await waitFor(`a replica of ${from} in sync`, async () => {
        const all = await clusterNodes(from);
        const master = all.find((node) => node.port === from)!;
        replica = all.find((node) => !node.master && node.of === master.id);
        return (
          replica !== undefined &&
          (await redisCli(replica.port, "INFO", "replication")).includes("master_link_status:up")
        );
      });
      const { port: promoted } = replica!;
      if (kill) {
        const index = nodes.findIndex((node) => node.port === from);
        dead.add(from);
        children[index]!.kill("SIGKILL");
        await ended(children[index]!);
      } else await redisCli(promoted, "CLUSTER", "FAILOVER");
      await waitFor(`replica ${promoted} promoted`, async () => (await cluster.masterOf(key)) === promoted);
      return promoted;
    },
    async stop() {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all(children.map(ended));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
