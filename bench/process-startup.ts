// A process pool's fixed costs against CPython's ProcessPoolExecutor (fork), in one run,
// alternated run by run: the time from creating a pool of 2 processes until both ran a no-op,
// and map() of 1e5 and 1e6 tiny items (chunksize 1000) from creating the pool to its shutdown.
// Both sides time themselves inside their program, so neither counts its interpreter's boot;
// futures runs as a user's compiled program does (plain Node, the built library).
//   npx tsx bench/process-startup.ts [runs]
import { execFile } from "node:child_process";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, textTable } from "futures-cli/bench";
import { describeExtraCaCost, measureExtraCaCost } from "./extra-ca-cost.ts";

const NODE_SCRIPT = fileURLToPath(new URL("./workers/map-tiny.mjs", import.meta.url));
const PYTHON_SCRIPT = fileURLToPath(new URL("./workers/map_tiny.py", import.meta.url));
const PYTHON = "/usr/bin/python3";

export interface StartupRow {
  /** "start", or the number of items mapped. */
  what: string;
  futuresMs: number;
  /** Undefined when /usr/bin/python3 is missing. */
  cpythonMs: number | undefined;
}

function timed(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, stdout) => {
      const ms = /(?:ms|start) ([\d.]+)\s*$/.exec(stdout.trim());
      if (error || !ms) reject(new Error(`${command} ${args.join(" ")}: ${error?.message ?? stdout}`));
      else resolve(Number(ms[1]));
    });
  });
}

async function hasPython(): Promise<boolean> {
  return timed(PYTHON, [PYTHON_SCRIPT, "1000"]).then(
    () => true,
    () => false,
  );
}

/** Each case `runs` times, futures and CPython in turn; medians. */
export async function measureProcessStartup(runs: number): Promise<StartupRow[]> {
  const python = await hasPython();
  const rows: StartupRow[] = [];
  for (const what of ["start", "100000", "1000000"]) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < runs; run++) {
      ours.push(await timed(process.execPath, [NODE_SCRIPT, what]));
      if (python) theirs.push(await timed(PYTHON, [PYTHON_SCRIPT, what]));
    }
    rows.push({ what, futuresMs: median(ours), cpythonMs: python ? median(theirs) : undefined });
  }
  return rows;
}

export const startupLabel = (what: string) =>
  what === "start"
    ? "pool of 2 processes, until both ran a no-op"
    : `map() of ${Number(what).toExponential(0)} tiny items, chunksize 1000`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const runs = Number(process.argv[2] ?? 5);
  console.log(`load average ${os.loadavg()[0]!.toFixed(1)} at the start; ${runs} alternated runs, medians`);
  const rows = await measureProcessStartup(runs);
  const table = rows.map(({ what, futuresMs, cpythonMs }) => [
    startupLabel(what),
    `${futuresMs.toFixed(0)} ms`,
    cpythonMs === undefined ? "no python3" : `${cpythonMs.toFixed(0)} ms`,
    cpythonMs === undefined ? "-" : `${(futuresMs / cpythonMs).toFixed(2)}x`,
  ]);
  for (const line of textTable(["case", "futures", "CPython", "futures ÷ CPython"], table)) console.log(line);
  const extraCa = await measureExtraCaCost(runs);
  if (extraCa) console.log(describeExtraCaCost(extraCa));
  console.log(`load average ${os.loadavg()[0]!.toFixed(1)} at the end`);
}
