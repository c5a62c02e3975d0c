// Where flags are downloaded from: a server label or any base URL.
import { DEFAULT_PORTS, LISTENER_LABELS, type ListenerLabel } from "../server/options.ts";

/** The labels served on loopback: the flag server's listeners. */
export const LOCAL_LABELS = LISTENER_LABELS;
export type LocalLabel = ListenerLabel;
export { DEFAULT_PORTS };

/** The book's public site. */
export const REMOTE_URL = "https://www.fluentpython.com/data/flags";

/**
 * Point a label at another port of 127.0.0.1 (tests do this because 8001..8003 may be
 * taken). The same port is used when `futures flags` starts the server itself.
 */
export const PORT_ENV: Readonly<Record<LocalLabel, string>> = {
  LOCAL: "FUTURES_LOCAL_PORT",
  DELAY: "FUTURES_DELAY_PORT",
  ERROR: "FUTURES_ERROR_PORT",
};

export const SERVER_CHOICES = [...LOCAL_LABELS, "REMOTE"].sort();

export interface ServerChoice {
  /** LOCAL, DELAY, ERROR, REMOTE, or URL for a base URL given in full. */
  label: string;
  /** Base URL of the flags, without a trailing slash. */
  url: string;
  /** Set for LOCAL, DELAY and ERROR: the loopback port the label points at. */
  local?: { label: LocalLabel; host: string; port: number };
}

export function resolveServer(text: string, env: NodeJS.ProcessEnv = process.env): ServerChoice {
  const label = text.toUpperCase();
  if (label === "REMOTE") return { label, url: REMOTE_URL };
  if ((LOCAL_LABELS as readonly string[]).includes(label)) {
    const local = label as LocalLabel;
    const port = labelPort(local, env);
    return { label, url: `http://127.0.0.1:${port}/flags`, local: { label: local, host: "127.0.0.1", port } };
  }
  if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    return { label: "URL", url: new URL(text).href.replace(/\/+$/, "") };
  }
  throw new RangeError(
    `--server must be one of ${SERVER_CHOICES.join(", ")} or an http(s) URL, got '${text}'`,
  );
}

function labelPort(label: LocalLabel, env: NodeJS.ProcessEnv): number {
  const text = env[PORT_ENV[label]];
  if (text === undefined || text === "") return DEFAULT_PORTS[label];
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${PORT_ENV[label]} must be a port number from 1 to 65535, got '${text}'`);
  }
  return port;
}
