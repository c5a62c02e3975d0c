// Redis connection URLs, read into ioredis options. Three forms, one per topology:
//   redis://[USER:PASSWORD@]HOST[:PORT][/DB]                   one server
//   redis+sentinel://[USER:PASSWORD@]HOST:PORT[,...]/MASTER[/DB]  the master Sentinel names
//   redis+cluster://[USER:PASSWORD@]HOST:PORT[,...]             a Redis Cluster, from seed nodes
// and each with "rediss" for TLS. Credentials are Redis's (the master's, each node's).
import type { RedisOptions } from "ioredis";

/** A Redis Cluster: seed nodes (ioredis finds the others) and the options of every node. */
export interface ClusterConnection {
  cluster: readonly { host: string; port: number }[];
  redisOptions?: RedisOptions | undefined;
}

const FORM = /^(rediss?)(?:\+(cluster|sentinel))?:\/\/(.*)$/i;

/**
 * The options a URL stands for; `shown` is the URL as errors show it (without its password).
 * Throws TypeError for anything else.
 */
export function optionsFromUrl(text: string, shown: string): RedisOptions | ClusterConnection {
  const form = FORM.exec(text);
  const expected =
    "expected redis://HOST:PORT, redis+sentinel://HOST:PORT/MASTER or redis+cluster://HOST:PORT,...";
  if (!form) throw new TypeError(`not a Redis URL: ${shown} (${expected})`);
  const [, schemeText, topologyText, rest] = form as unknown as [string, string, string | undefined, string];
  const scheme = schemeText.toLowerCase();
  const topology = topologyText?.toLowerCase();
  // As in any URL, the authority ends at the first "/", "?" or "#" (a password holding one
  // must be percent-encoded), and the credentials end at its last "@".
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const path = end < 0 ? "" : rest.slice(end);
  const at = authority.lastIndexOf("@");
  const userInfo = at < 0 ? "" : authority.slice(0, at);
  // Credentials come once, before the first host: "u:p@h1,u:p@h2" is not a list of hosts.
  if (userInfo.includes(",")) throw new TypeError(`credentials go once, before the first host, in ${shown}`);
  const credentials = readCredentials(userInfo, shown);
  const hostList = authority.slice(at + 1);
  if (path.includes("?") || path.includes("#")) throw new TypeError(`unexpected query in ${shown}`);
  // Sentinel listens on 26379 by default.
  const defaultPort = topology === "sentinel" ? 26379 : 6379;
  const hosts = hostList.split(",").map((host) => readHost(host, shown, defaultPort));
  const tls = scheme === "rediss" ? { tls: {} } : {};
  const segments = path.split("/").filter((part, i) => i > 0 || part !== "");
  if (topology === "cluster") {
    if (segments.length > 0)
      throw new TypeError(`a cluster URL has no path (a cluster has no databases): ${shown}`);
    return { cluster: hosts, redisOptions: { ...credentials, ...tls } };
  }
  if (topology === "sentinel") {
    const [name, db] = segments;
    if (!name) throw new TypeError(`no master name in ${shown} (expected redis+sentinel://HOST:PORT/MASTER)`);
    return {
      sentinels: hosts,
      name: decodeComponent(name, shown),
      ...credentials,
      db: readDatabase(db, segments.length > 2, shown),
      ...(tls.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    };
  }
  if (hosts.length > 1) throw new TypeError(`several hosts in ${shown} (a cluster is redis+cluster://)`);
  return { ...hosts[0]!, ...credentials, db: readDatabase(segments[0], segments.length > 1, shown), ...tls };
}

function decodeComponent(text: string, shown: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TypeError(`bad percent-encoding in ${shown}`);
  }
}

function readCredentials(userInfo: string, shown: string): Pick<RedisOptions, "username" | "password"> {
  if (userInfo === "") return {};
  const colon = userInfo.indexOf(":");
  const [user, password] = colon < 0 ? [userInfo, ""] : [userInfo.slice(0, colon), userInfo.slice(colon + 1)];
  try {
    return {
      ...(user ? { username: decodeURIComponent(user) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
    };
  } catch {
    throw new TypeError(`bad percent-encoding in the credentials of ${shown}`);
  }
}

const HOST_PORT = "expected HOST:PORT, with a port from 1 to 65535";

function readHost(text: string, shown: string, defaultPort: number): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(`redis://${text}`);
  } catch {
    throw new TypeError(`bad host or port in ${shown} (${HOST_PORT})`);
  }
  // Nothing but a host and a port: no credentials inside the list, no path.
  const extra = url.username || url.password || url.search || url.hash || !["", "/"].includes(url.pathname);
  if (extra || url.hostname === "") {
    throw new TypeError(`bad host or port in ${shown} (${HOST_PORT})`);
  }
  // The URL parser takes port 0, where nothing can listen.
  if (url.port === "0") throw new TypeError(`bad host or port in ${shown} (${HOST_PORT})`);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : defaultPort };
}

function readDatabase(text: string | undefined, extra: boolean, shown: string): number {
  const db = text === undefined || text === "" ? 0 : Number(text);
  if (extra || !Number.isInteger(db) || db < 0 || !/^\d*$/.test(text ?? "")) {
    throw new TypeError(`bad database number in ${shown}`);
  }
  return db;
}
