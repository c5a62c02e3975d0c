// LOCAL, DELAY and ERROR point at loopback ports. When nothing listens there, start the flag
// server inside this process with that label's behaviour, so the command works on a fresh
// machine with nothing else running. It listens on a free port of its own, not the label's:
// another run finding it on the label's port would lose it when this run ends.
import { connect } from "node:net";
import type { LocalLabel } from "./servers.ts";

export interface LocalServer {
  /** True when the server was started here; close() then stops it. */
  startedHere: boolean;
  /** The flags base URL to use: the label's own, or the server started here. */
  url: string;
  close(): Promise<void>;
}

/** Connect to see whether anything accepts connections on host:port. */
export function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => done(true)); // slow to accept is still somebody there
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export async function ensureLocalServer(
  label: LocalLabel,
  host: string,
  port: number,
  labelUrl: string,
): Promise<LocalServer> {
  if (await isListening(host, port)) return { startedHere: false, url: labelUrl, close: async () => {} };
  const { startFlagServer } = await import("../server/index.ts");
  // A run asks for a few of the data set's files: each is read when first asked for.
  const server = await startFlagServer({ host, only: [label], ports: { [label]: 0 }, readOnDemand: true });
  return { startedHere: true, url: server.urls[label]!, close: () => server.close() };
}
