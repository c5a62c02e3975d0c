// Benchmark of `futures flags`, whole command included (spawn to exit), against its peers
// measured in the same run, interleaved (bench/flag-peers.ts): `node -e 0` (Node's own
// start-up), the book's own flags2_asyncio.py and flags2_threadpool.py (where /usr/bin/python3
// has httpx and tqdm), `curl -Z` over the same 676 URLs at the same concurrency, and a plain
// node:net downloader (bench/peers/raw-net-flags.mjs), the floor.
//
//   npx tsx bench/flags.ts [--runs N]
//
// Case 1: `futures flags` (the 20 most populous countries) against nginx: start-up dominates.
// Case 2: -e (AA..ZZ: 194 flags, 482 not found) against nginx, each executor.
// Case 3: -e -m 1000 against DELAY with a fixed 0.5 s delay (the lower bound is 0.5 s).
// nginx (when installed) serves the package's data set on a free port; without it, cases 1
// and 2 run against LOCAL. LOCAL and DELAY run in a child process of their own; every
// download goes to a fresh folder. Numbers, never pass/fail.
//
// FUTURES_CLI: benchmark another build of the command instead of packages/futures-cli/dist/cli/main.js.
// FUTURES_CLI_BASELINE: also run this other build of the command (say, main's) beside each
// futures row, interleaved, and print the ratio between the two ("before/after").
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { textTable } from "futures-cli/bench";
import { bookFlags, bookPeersMissing, curlParallel, rawNetFlags } from "./flag-peers.ts";
import { CLI, ROOT, futuresFlags, startServers, timeCommand, type Sample } from "./flag-runs.ts";
import { threadsAgainstAsync } from "./flags-threads-cost.ts";
import { startNginx } from "./server.ts";

const BASELINE = process.env.FUTURES_CLI_BASELINE;
const DIST = join(dirname(CLI), "..");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
/** Runs slower than this are not repeated: one sample is plenty. */
const REPEAT_BELOW_MS = 3000;

/**
 * Run every candidate up to RUNS times, round-robin so that each sees the same load; a
 * candidate slower than REPEAT_BELOW_MS (or wrong) runs once. The median sample of each.
 */
export async function measureAll(candidates: (() => Promise<Sample>)[]): Promise<Sample[]> {
  const samples: Sample[][] = candidates.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [index, once] of candidates.entries()) {
      const done = samples[index]!;
      if (done.length > 0 && (done[0]!.ms >= REPEAT_BELOW_MS || !done[0]!.ok)) continue;
      done.push(await once());
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a.ms - b.ms);
    return list[Math.floor((list.length - 1) / 2)]!;
  });
}

// ---- report ----------------------------------------------------------------------------

interface Row {
  command: string;
  sample: Sample;
  /** The same command with FUTURES_CLI_BASELINE, measured in the same rounds. */
  before?: Sample | undefined;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(3)} s`;
}

/** How many times faster `ours` is than `other` (other's time / our time). */
function ratio(ours: Sample | undefined, other: Sample | undefined): string {
  if (!other || !ours || !other.ok || !ours.ok) return "-";
  return `${(other.ms / ours.ms).toFixed(2)}x`;
}

function printTable(title: string, rows: Row[], peers: [name: string, sample: Sample | undefined][]): void {
  console.log(`\n${title}`);
  console.log(
    "whole: spawn to exit; reported: the command's own Elapsed time; vs X: X's time / this time" +
      (BASELINE ? "; before: FUTURES_CLI_BASELINE, same rounds" : ""),
  );
  const header = [
    "command",
    ...(BASELINE ? ["before", "after/before"] : []),
    "whole",
    "reported",
    ...peers.map(([name]) => `vs ${name}`),
  ];
  const lines = rows.map(({ command, sample, before }) => [
    command + (sample.ok ? "" : `  (WRONG RESULT: ${sample.note})`),
    ...(BASELINE ? [before ? seconds(before.ms) : "", before ? ratio(sample, before) : ""] : []),
    seconds(sample.ms),
    seconds(sample.reportedMs),
    ...peers.map(([, peer]) => (peer === sample ? "" : ratio(sample, peer))),
  ]);
  for (const line of textTable(header, lines)) console.log(line);
}

/**
 * Measure `futures flags ARGS` (and the baseline build, when given) with the peers, all in
 * the same interleaved rounds; the rows and the peers' samples.
 */
async function futuresCase(
  commands: [label: string, args: string[]][],
  peers: [label: string, once: (() => Promise<Sample>) | undefined][],
  env: NodeJS.ProcessEnv,
  expected?: { ok: number; notFound: number },
): Promise<{ rows: Row[]; peers: (Sample | undefined)[] }> {
  const candidates: (() => Promise<Sample>)[] = [];
  for (const [, args] of commands) {
    candidates.push(() => futuresFlags(args, env, expected));
    if (BASELINE) candidates.push(() => futuresFlags(args, env, expected, BASELINE));
  }
  const present = peers.filter(([, once]) => once !== undefined);
  for (const [, once] of present) candidates.push(once!);
  const samples = await measureAll(candidates);
  const step = BASELINE ? 2 : 1;
  const rows: Row[] = commands.map(([label], index) => ({
    command: label,
    sample: samples[index * step]!,
    before: BASELINE ? samples[index * step + 1] : undefined,
  }));
  const peerSamples = samples.slice(commands.length * step);
  for (const [index, [label]] of present.entries())
    rows.push({ command: label, sample: peerSamples[index]! });
  return {
    rows,
    peers: peers.map(([, once]) =>
      once ? peerSamples[present.findIndex(([, o]) => o === once)] : undefined,
    ),
  };
}

// ---- main ------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!process.env.FUTURES_CLI) {
    console.log("building the packages (npm run build) ...");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  for (const cli of [CLI, ...(BASELINE ? [BASELINE] : [])]) {
    const help = await timeCommand(process.execPath, [cli, "flags", "--help"]);
    if (help.code !== 0) {
      console.error(`${cli} has no flags command (exit ${help.code}); is it wired into src/cli/main.ts?`);
      process.exit(1);
    }
  }

  const servers = await startServers();
  const nginx = await startNginx();
  const env = {
    FUTURES_LOCAL_PORT: new URL(servers.urls.LOCAL).port,
    FUTURES_DELAY_PORT: new URL(servers.urls.DELAY).port,
  };
  const bookMissing = bookPeersMissing();
  console.log(`futures: ${CLI}${BASELINE ? `; before: ${BASELINE}` : ""}`);
  console.log(`${RUNS} interleaved runs per case (median), slow cases run once`);
  console.log(`server: LOCAL ${servers.urls.LOCAL}, DELAY ${servers.urls.DELAY} (0.5 s), in a child process`);
  const nginxBase = nginx?.url.replace(/\/br\/br\.gif$/, "");
  if (nginx) console.log(`nginx: ${nginx.name}, ${nginxBase}`);
  else console.log("nginx not found: cases 1 and 2 run against LOCAL (apt-get install nginx to include it)");
  if (bookMissing) console.log(bookMissing);

  const fast = nginxBase ? { label: "nginx", url: nginxBase } : { label: "LOCAL", url: servers.urls.LOCAL };
  try {
    // Case 1: start-up dominates a run of 20 flags.
    const bare = async (): Promise<Sample> => ({
      ms: (await timeCommand(process.execPath, ["-e", "0"])).ms,
      ok: true,
    });
    const startUp = await futuresCase(
      [[`futures flags -s ${fast.label}`, ["-s", fast.url]]],
      [["node -e 0", bare]],
      env,
      { ok: 20, notFound: 0 },
    );
    printTable(`Case 1: futures flags (20 flags) against ${fast.label}`, startUp.rows, [
      ["node -e 0", startUp.peers[0]],
    ]);
    const twenty = startUp.rows[0]!.sample;
    if (startUp.peers[0]?.ok && twenty.ok)
      console.log(
        `futures flags takes ${(twenty.ms / startUp.peers[0].ms).toFixed(2)} times node's own start-up`,
      );

    // Case 2
    const executors = ["sequential", "threads", "processes", "async"] as const;
    const every = await futuresCase(
      [
        ...executors.map((executor): [string, string[]] => [
          `futures flags -e -x ${executor}`,
          ["-e", "-x", executor, "-s", fast.url],
        ]),
        ["futures flags -e -x async -m 50", ["-e", "-x", "async", "-m", "50", "-s", fast.url]],
      ],
      [
        // The book's scripts at their own defaults (5 and 30), as a reader runs them.
        [
          "book's flags2_asyncio.py -e",
          bookMissing ? undefined : () => bookFlags("flags2_asyncio.py", ["-e"], { LOCAL: fast.url }),
        ],
        [
          "book's flags2_threadpool.py -e",
          bookMissing ? undefined : () => bookFlags("flags2_threadpool.py", ["-e"], { LOCAL: fast.url }),
        ],
        ["curl -Z --parallel-max 5", () => curlParallel(fast.url, 5)],
        ["curl -Z --parallel-max 50", () => curlParallel(fast.url, 50)],
        ["raw node:net, 5 sockets", () => rawNetFlags(fast.url, 5)],
      ],
      env,
    );
    printTable(`Case 2: -e against ${fast.label} (676 codes: 194 flags, 482 not found)`, every.rows, [
      ["asyncio.py", every.peers[0]],
      ["threadpool.py", every.peers[1]],
      ["curl 5", every.peers[2]],
      ["curl 50", every.peers[3]],
      ["raw net", every.peers[4]],
    ]);

    // Case 2b: what threads cost against the event loop, time and memory.
    const cost = await threadsAgainstAsync(fast.url, env, Math.max(RUNS, 3));
    console.log(`\nCase 2b: -e -x threads against -x async, ${fast.label}, alternated, time and peak RSS`);
    const mib = (sample: Sample) =>
      sample.peakRss === undefined ? "-" : `${(sample.peakRss / 2 ** 20).toFixed(0)} MiB`;
    for (const line of textTable(
      ["command", "whole", "reported", "peak RSS"],
      (["threads", "async"] as const).map((executor) => {
        const sample = cost[executor];
        return [
          `futures flags -e -x ${executor}` + (sample.ok ? "" : `  (WRONG RESULT: ${sample.note})`),
          seconds(sample.ms),
          seconds(sample.reportedMs),
          mib(sample),
        ];
      }),
    ))
      console.log(line);
    if (cost.timeRatio !== undefined)
      console.log(
        `threads / async: ${cost.timeRatio.toFixed(2)}x the time (goal <= 1.5x), ` +
          `${cost.memoryRatio!.toFixed(2)}x the peak RSS (goal <= 2x)`,
      );

    // Case 3: sequential would need 676 x 0.5 s = 5.6 minutes; it is left out.
    const delayed = await futuresCase(
      executors
        .filter((name) => name !== "sequential")
        .map((executor): [string, string[]] => [
          `futures flags -e -m 1000 -s DELAY -x ${executor}`,
          ["-e", "-m", "1000", "-s", "DELAY", "-x", executor],
        ]),
      [
        [
          "book's flags2_asyncio.py -e -m 1000 -s DELAY",
          bookMissing
            ? undefined
            : () =>
                bookFlags("flags2_asyncio.py", ["-e", "-m", "1000", "-s", "DELAY"], {
                  DELAY: servers.urls.DELAY,
                }),
        ],
        ["curl -Z --parallel-max 300 (curl's maximum)", () => curlParallel(servers.urls.DELAY, 300)],
      ],
      env,
    );
    printTable("Case 3: -e -m 1000 against DELAY, fixed 0.5 s (the bound is 0.5 s)", delayed.rows, [
      ["asyncio.py", delayed.peers[0]],
      ["curl", delayed.peers[1]],
    ]);

    // Where the time of the default run goes.
    const importUrl = pathToFileURL(join(DIST, "flags", "run-flags.js")).href;
    const [cliStart, imports] = await measureAll([
      async () => ({ ms: (await timeCommand(process.execPath, [CLI, "flags", "--help"])).ms, ok: true }),
      async () => {
        const script = `await import(${JSON.stringify(importUrl)}); await import("undici/lib/dispatcher/agent.js");`;
        return {
          ms: (await timeCommand(process.execPath, ["--input-type=module", "-e", script])).ms,
          ok: true,
        };
      },
    ]);
    const best = every.rows.find((row) => row.command === "futures flags -e -x async")!.sample;
    console.log(`\nWhere the time of \`futures flags -e -x async\` goes (${fast.label}):`);
    console.log(`  node start-up (node -e 0)                        ${seconds(startUp.peers[0]?.ms)}`);
    console.log(`  futures flags --help (start-up, bundle + cache)  ${seconds(cliStart!.ms)}`);
    console.log(`  node + the same modules unbundled, no cache      ${seconds(imports!.ms)}`);
    console.log(`  requests and files (its own "Elapsed time")      ${seconds(best.reportedMs)}`);
    console.log(`  whole command                                    ${seconds(best.ms)}`);
  } finally {
    servers.stop();
    await nginx?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
