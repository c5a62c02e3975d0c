// Where flags are downloaded from: a server label or any base URL.
import {
  DEFAULT_PORTS,
  LISTENER_LABELS,
  PORT_ENV,
  listenerPort,
  type ListenerLabel,
} from "../server/options.ts";

/** The labels served on loopback: the flag server's listeners. */
export const LOCAL_LABELS = LISTENER_LABELS;
export type LocalLabel = ListenerLabel;
export { DEFAULT_PORTS, PORT_ENV };

/** The book's public site. */
export const REMOTE_URL = "https://www.fluentpython.com/data/flags";

const SERVER_CHOICES = [...LOCAL_LABELS, "REMOTE"].sort();

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
    const port = listenerPort(local, env);
    return { label, url: `http://127.0.0.1:${port}/flags`, local: { label: local, host: "127.0.0.1", port } };
  }
  if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    const url = new URL(text);
    // Never sent (undici takes no credentials from a URL) and never printed.
    if (url.username || url.password)
      throw new RangeError(
        `--server: a user name or password in the URL is not supported, got '${hidden(text)}'`,
      );
    return { label: "URL", url: url.href.replace(/\/+$/, "") };
  }
  throw new RangeError(
    `--server must be one of ${SERVER_CHOICES.join(", ")} or an http(s) URL, got '${hidden(text)}'`,
  );
}

/**
 * `text` with all from "//" to its last "@" shown as "***": a password never shows, even one
 * holding "/", "#" or "@" that leaves the URL unparsable.
 */
function hidden(text: string): string {
  return text.replace(/\/\/.*@/s, "//***@");
}
