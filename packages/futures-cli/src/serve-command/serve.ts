// `futures serve`: start the three flag servers, say where they are and what they do, and
// close them cleanly on Ctrl-C or SIGTERM.
import { DataSetError } from "../server/data-set.ts";
import { startFlagServer } from "../server/flag-server.ts";
import { ListenError } from "../server/listener.ts";
import { isLoopback } from "../server/loopback.ts";
import { LISTENER_LABELS } from "../server/options.ts";
import { MAX_REQUESTS_IN_FLIGHT } from "../server/pipelining-limit.ts";
import { parseServeFlags, PORT_FLAGS, type ServeFlags } from "./serve-options.ts";
import { cutShortText, outcomeParts, type ListenerStats } from "../server/stats.ts";

/** Resolves once the servers are closed; a failure to start is one line on stderr and exit status 1. */
export async function serve(flags: ServeFlags): Promise<void> {
  const options = parseServeFlags(flags);
  let server;
  try {
    server = await startFlagServer(options);
  } catch (error) {
    if (error instanceof ListenError) console.error(`futures serve: ${error.message}${listenHint(error)}`);
    else if (error instanceof DataSetError) console.error(`futures serve: ${error.message}`);
    else throw error;
    process.exitCode = 1;
    return;
  }
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host)) {
    console.error(
      `futures serve: warning: ${host} is not a loopback address: other machines can reach the ` +
        "flag server, its ERROR listener included (--host 127.0.0.1 keeps it on this machine)",
    );
  }

  for (const label of LISTENER_LABELS) {
    const url = server.urls[label];
    if (url) console.log(`${label.padEnd(5)}  ${url}  ${server.behaviours[label]}`);
  }
  const home = server.urls.LOCAL!.replace(/\/flags$/, "");
  console.log(
    `Serving ${server.flagCount} flags from ${server.dataDir}; seed ${server.seed} (--seed ${server.seed} repeats the faults).`,
  );
  console.log(`Each listener shows its flags at / and the counts at /stats (${home}/stats). Ctrl-C stops.`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(name);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  // After the close, so that what the stop cut off is counted as such, not as still waiting.
  await server.close();
  const stats = server.stats();
  console.log(`Stopped on ${signal}.`);
  for (const label of LISTENER_LABELS) {
    const counts = stats[label];
    if (counts) console.log(`${label.padEnd(5)}  ${summarise(counts)}`);
  }
}

/** What to do about a port that cannot be used, as the end of the error line. */
function listenHint(error: ListenError): string {
  const flag = PORT_FLAGS[error.label];
  if (error.code === "EADDRINUSE") return `; choose another port with ${flag} N, or ${flag} 0 for a free one`;
  if (error.code === "EACCES" && error.port > 0 && error.port < 1024) {
    return `; ports below 1024 need privileges: choose one above with ${flag} N, or ${flag} 0`;
  }
  return "";
}

/** "12 flag requests: 9×200, 1×503, 2 closed by the client first; faults 1 status, 3 delay". */
function summarise(stats: ListenerStats): string {
  const outcomes = outcomeParts(stats);
  const faults = Object.entries(stats.faults)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  const requests = `${stats.requests} flag request${stats.requests === 1 ? "" : "s"}`;
  const parts = [outcomes.length > 0 ? `${requests}: ${outcomes.join(", ")}` : requests];
  const cutShort = cutShortText(stats);
  if (cutShort !== "") parts.push(cutShort);
  if (faults.length > 0) parts.push(`faults ${faults.join(", ")}`);
  const { evicted, refused, overPipelined } = stats.connections;
  if (evicted + refused > 0) {
    parts.push(
      `connections over the cap: ${evicted} idle closed, ${refused} refused (see --max-connections)`,
    );
  }
  if (overPipelined > 0) {
    parts.push(`${overPipelined} closed for over ${MAX_REQUESTS_IN_FLIGHT} pipelined requests in flight`);
  }
  return parts.join("; ");
}
