// Whether an address to bind keeps the server on this machine.
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addSubnet("::1", 128, "ipv6");

/** 127.0.0.0/8, ::1 (also written in full or IPv4-mapped) and localhost; any other address or name is not. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (address === "localhost" || address.endsWith(".localhost")) return true;
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 4 ? "ipv4" : "ipv6");
}
