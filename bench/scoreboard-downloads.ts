// The scoreboard's downloader rows: `futures flags` beside the book's own flags2 scripts,
// `curl -Z` at the same concurrency, a plain node:net client (the floor) and Node's start-up,
// each row alternated run by run with its peers.
import { bookFlags, bookPeersMissing, curlParallel, rawNetFlags } from "./flag-peers.ts";
import { futuresFlags, startServers, timeCommand, type Sample } from "./flag-runs.ts";
import { threadsAgainstAsync } from "./flags-threads-cost.ts";
import {
  alternate,
  faster,
  installed,
  notes,
  rows,
  say,
  timesIts,
  value,
  type Row,
} from "./scoreboard-rows.ts";
import { startNginx } from "./server.ts";

interface Peer {
  name: string;
  once: () => Promise<Sample>;
  ratio: (ours: Sample, peer: Sample) => string;
  goal: string;
}

export async function downloadRows(runs: number): Promise<void> {
  say("downloads: starting the flag servers (nginx if installed, and futures DELAY 0.5 s)");
  const servers = await startServers();
  const nginx = await startNginx();
  try {
    await measure(runs, servers.urls, nginx?.url.replace(/\/br\/br\.gif$/, ""));
  } finally {
    servers.stop();
    await nginx?.stop();
  }
}

async function measure(runs: number, urls: { LOCAL: string; DELAY: string }, nginxUrl?: string) {
  const env = { FUTURES_DELAY_PORT: new URL(urls.DELAY).port };
  // Issue 12 measured against nginx serving the flags; without nginx, our LOCAL server stands in.
  const flagsUrl = nginxUrl ?? urls.LOCAL;
  const where = nginxUrl ? "nginx" : "futures LOCAL (nginx not installed)";
  if (!nginxUrl)
    notes.push(
      "nginx not installed: the downloads ran against futures LOCAL instead (apt-get install nginx).",
    );
  const bookMissing = bookPeersMissing();
  if (bookMissing) notes.push(bookMissing);
  const curl = installed("curl", ["--version"]);
  if (!curl) notes.push("curl not installed: the curl -Z peers are skipped (apt-get install curl).");
  const push = (target: string, ours: Sample, peer: string, sample: Sample, ratio: string, goal: string) =>
    rows.push({ target, futures: value(ours), peer, peerValue: value(sample), ratio, goal } satisfies Row);

  // The peers run at the concurrency futures says it uses by default: one unmeasured run asks.
  const probe = await futuresFlags(["-e", "-s", flagsUrl], env);
  const concurrency = probe.concurrency ?? 5;
  if (probe.concurrency === undefined) notes.push("futures flags -e did not say its concurrency: 5 assumed.");

  say(`flags -e against ${where}: the book's scripts, curl -Z and raw node:net at ${concurrency}`);
  const peersE: Peer[] = [];
  if (!bookMissing)
    // The book's scripts at their own defaults (5 requests and 30 threads), with -e and -s LOCAL.
    peersE.push(
      {
        name: "book's flags2_asyncio.py -e",
        once: () => bookFlags("flags2_asyncio.py", ["-e", "-s", "LOCAL"], { LOCAL: flagsUrl }),
        ratio: faster,
        goal: ">= 3x faster",
      },
      {
        name: "book's flags2_threadpool.py -e (30 threads)",
        once: () => bookFlags("flags2_threadpool.py", ["-e", "-s", "LOCAL"], { LOCAL: flagsUrl }),
        ratio: faster,
        goal: "-",
      },
    );
  if (curl)
    peersE.push({
      name: `curl -Z --parallel-max ${concurrency}`,
      once: () => curlParallel(flagsUrl, concurrency),
      ratio: faster,
      goal: "-",
    });
  peersE.push({
    name: `raw node:net, ${concurrency} keep-alive sockets`,
    once: () => rawNetFlags(flagsUrl, concurrency),
    ratio: timesIts,
    goal: "<= 1.5x",
  });
  const [oursE, ...peerE] = await alternate(runs, [
    () => futuresFlags(["-e", "-s", flagsUrl], env),
    ...peersE.map((peer) => peer.once),
  ]);
  for (const [index, { name, ratio, goal }] of peersE.entries())
    push(`flags -e, ${where}`, oursE!, name, peerE[index]!, ratio(oursE!, peerE[index]!), goal);

  if (curl) {
    say(`flags -e -m 50 against ${where}, and curl -Z --parallel-max 50`);
    const [ours50, curl50] = await alternate(runs, [
      () => futuresFlags(["-e", "-m", "50", "-s", flagsUrl], env),
      () => curlParallel(flagsUrl, 50),
    ]);
    push(
      `flags -e -m 50, ${where}`,
      ours50!,
      "curl -Z --parallel-max 50",
      curl50!,
      faster(ours50!, curl50!),
      "-",
    );
  }

  // Against a running server, and as `npm start` runs it: nothing on the LOCAL port (port 1
  // here), so the command starts the flag server in its own process.
  say(`flags (20 flags) against ${where} and with its in-process server, and node -e 0`);
  const [ours20, inProcess20, bare] = await alternate(runs, [
    () => futuresFlags(["-s", flagsUrl], env, { ok: 20, notFound: 0 }),
    () => futuresFlags([], { ...env, FUTURES_LOCAL_PORT: "1" }, { ok: 20, notFound: 0 }),
    async () => ({ ms: (await timeCommand(process.execPath, ["-e", "0"])).ms, ok: true }),
  ]);
  for (const [target, ours] of [
    [`flags (20 flags), ${where}`, ours20!],
    ["flags (20 flags), in-process server (npm start)", inProcess20!],
  ] as const)
    push(target, ours, "node -e 0", bare!, timesIts(ours, bare!, "node's start-up"), "<= 1.5x");

  say(`flags -e -x threads against -x async (${where}), time and peak RSS`);
  const cost = await threadsAgainstAsync(flagsUrl, env, runs);
  const mib = (sample: Sample) =>
    sample.ok && sample.peakRss !== undefined
      ? `${(sample.peakRss / 2 ** 20).toFixed(0)} MiB`
      : value(sample);
  rows.push(
    {
      target: `flags -e -x threads (30 in flight), ${where}: time`,
      futures: value(cost.threads),
      peer: "flags -e -x async (5 at once)",
      peerValue: value(cost.async),
      ratio: cost.timeRatio === undefined ? "-" : `${cost.timeRatio.toFixed(2)}x async's time`,
      goal: "<= 1.5x",
    },
    {
      target: `flags -e -x threads, ${where}: peak RSS`,
      futures: mib(cost.threads),
      peer: "flags -e -x async (5 at once)",
      peerValue: mib(cost.async),
      ratio: cost.memoryRatio === undefined ? "-" : `${cost.memoryRatio.toFixed(2)}x async's memory`,
      goal: "<= 2x",
    },
  );

  say("flags -e -m 1000 against DELAY 0.5 s, and the book's flags2_asyncio.py -e -m 1000 -s DELAY");
  const delayArgs = ["-e", "-m", "1000", "-s", "DELAY"];
  const [oursDelay, bookDelay] = await alternate(runs, [
    () => futuresFlags(delayArgs, env),
    ...(bookMissing ? [] : [() => bookFlags("flags2_asyncio.py", delayArgs, { DELAY: urls.DELAY })]),
  ]);
  const bound: Sample = { ms: 500, ok: true };
  push(
    "flags -e -m 1000, DELAY 0.5 s",
    oursDelay!,
    "the bound: one 0.5 s delay",
    bound,
    timesIts(oursDelay!, bound, "the bound"),
    "<= 0.8 s (1.6x)",
  );
  if (bookDelay)
    push(
      "flags -e -m 1000, DELAY 0.5 s",
      oursDelay!,
      "book's flags2_asyncio.py -e -m 1000 -s DELAY",
      bookDelay,
      faster(oursDelay!, bookDelay),
      ">= 5.5x faster",
    );
}
