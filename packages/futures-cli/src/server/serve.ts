// `futures serve`: start the three flag servers, say where they are and what they do, and
// close them cleanly on Ctrl-C or SIGTERM.
import { DataSetError } from "./data-set.ts";
import { startFlagServer } from "./flag-server.ts";
import { ListenError } from "./listener.ts";
import { LISTENER_LABELS } from "./options.ts";
import { parseServeFlags, type ServeFlags } from "./serve-options.ts";
import type { ListenerStats } from "./stats.ts";

/** Resolves once the servers are closed; a failure to start is one line on stderr and exit status 1. */
export async function serve(flags: ServeFlags): Promise<void> {
  const options = parseServeFlags(flags);
  let server;
  try {
    server = await startFlagServer(options);
  } catch (error) {
    if (!(error instanceof ListenError || error instanceof DataSetError)) throw error;
    console.error(`futures serve: ${error.message}`);
    process.exitCode = 1;
    return;
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
  const stats = server.stats();
  await server.close();
  console.log(`Stopped on ${signal}.`);
  for (const label of LISTENER_LABELS) {
    const counts = stats[label];
    if (counts) console.log(`${label.padEnd(5)}  ${summarise(counts)}`);
  }
}

function summarise(stats: ListenerStats): string {
  const statuses = Object.entries(stats.statuses).map(([status, n]) => `${n}×${status}`);
  const faults = Object.entries(stats.faults)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  const parts = [`${stats.requests} flag request${stats.requests === 1 ? "" : "s"}`];
  if (statuses.length > 0) parts.push(`statuses ${statuses.join(" ")}`);
  if (faults.length > 0) parts.push(`faults ${faults.join(", ")}`);
  return parts.join("; ");
}
