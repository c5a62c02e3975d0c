// How many transient faults `futures flags --retries 3` recovers from against the ERROR
// listener's default mix (25% error statuses drawn from 500, 501, 502, 503; 50% delayed
// 0.5 s). The command runs as a user runs it, with its own backoff schedule, over every code
// AA..ZZ, a few times; the flag server runs in this process on a free port.
//
//   npx tsx bench/flags-retries.ts [--runs N]
//
// A code "had a transient fault" when its first attempt failed with 500, 502 or 503; it
// "recovered" when it ended downloaded or 404. Numbers, never pass/fail.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { textTable } from "futures-cli/bench";
import { startFlagServer } from "futures-cli/server";

const PACKAGE = fileURLToPath(new URL("../packages/futures-cli/", import.meta.url));
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

interface Result {
  cc: string;
  status: string;
  error?: string;
  retries?: { attempt: number; reason: string }[];
}

function runFlags(args: string[], env: NodeJS.ProcessEnv): Promise<{ results: Result[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=futures-source", "--import", "tsx", "src/cli/main.ts", "flags", ...args],
      { cwd: PACKAGE, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", () => resolve(JSON.parse(stdout) as { results: Result[] }));
  });
}

const rows: string[][] = [];
const total = { faulted: 0, recovered: 0, exhausted: 0, permanent: 0 };
const root = await mkdtemp(join(tmpdir(), "flags-retries-"));
try {
  for (let run = 1; run <= RUNS; run++) {
    const server = await startFlagServer({ only: ["ERROR"], ports: { ERROR: 0 } });
    try {
      const port = new URL(server.urls.ERROR!).port;
      const started = performance.now();
      const { results } = await runFlags(
        ["-s", "ERROR", "-e", "-m", "100", "--retries", "3", "--json", "-d", join(root, String(run))],
        { FUTURES_ERROR_PORT: port },
      );
      const seconds = (performance.now() - started) / 1000;
      // The first attempt failed with a transient status: it is among the retried ones.
      const faulted = results.filter((r) => r.retries?.[0]?.attempt === 1);
      const recovered = faulted.filter((r) => r.status === "ok" || r.status === "not_found");
      const lost = faulted.filter((r) => r.status === "error");
      const permanent = lost.filter((r) => /^HTTP 501 /.test(r.error ?? "")).length;
      const exhausted = lost.length - permanent;
      total.faulted += faulted.length;
      total.recovered += recovered.length;
      total.exhausted += exhausted;
      total.permanent += permanent;
      rows.push([
        String(run),
        String(results.length),
        String(faulted.length),
        String(recovered.length),
        String(exhausted),
        String(permanent),
        percent(recovered.length, faulted.length),
        percent(faulted.length - exhausted, faulted.length),
        seconds.toFixed(1),
      ]);
    } finally {
      await server.close();
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`;
}

rows.push([
  "all",
  "",
  String(total.faulted),
  String(total.recovered),
  String(total.exhausted),
  String(total.permanent),
  percent(total.recovered, total.faulted),
  percent(total.faulted - total.exhausted, total.faulted),
  "",
]);
console.log("futures flags -s ERROR -e -m 100 --retries 3 (default ERROR mix, the command's own backoff)");
const headers = [
  "run",
  "codes",
  "transient 1st",
  "recovered",
  "lost: 4 transient",
  "lost: then 501",
  "recovered share",
  "not lost to retries running out",
  "seconds",
];
for (const line of textTable(headers, rows)) console.log(line);
