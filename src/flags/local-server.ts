// LOCAL, DELAY and ERROR point at loopback ports. When nothing listens there, start the flag
// server inside this process with that label's behaviour, so the command works on a fresh
// machine with nothing else running.
import { connect } from "node:net";
import type { LocalLabel } from "./servers.ts";

export interface LocalServer {
  /** True when the server was started here; close() then stops it. */
  startedHere: boolean;
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

export async function ensureLocalServer(label: LocalLabel, host: string, port: number): Promise<LocalServer> {
  const already: LocalServer = { startedHere: false, close: async () => {} };
  if (await isListening(host, port)) return already;
  const { startFlagServer, ListenError } = await import("../server/index.ts");
  try {
    const server = await startFlagServer({ host, only: [label], ports: { [label]: port } });
    return { startedHere: true, close: () => server.close() };
  } catch (error) {
    // Somebody else started one between the check and now: use theirs.
    if (error instanceof ListenError && error.code === "EADDRINUSE") return already;
    throw error;
  }
}
