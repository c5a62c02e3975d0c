// The download half of `futures bench`: `futures flags -e` (676 codes, 194 flags) against a
// LOCAL flag server in a child process, on every executor of the downloader. The server
// runs apart so that it does not share an event loop with the client it serves.
import { LOCAL_EXECUTOR_NAMES } from "../executors/catalogue.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { ReportTable } from "./report-table.ts";
import { median } from "./bench-measure.ts";

export interface DownloadRow {
  executor: string;
  concurrency: number;
  /** Median seconds for the 676 codes. */
  seconds: number;
  /** Fastest and slowest run. */
  secondsRange: readonly [number, number];
  /** Sequential time divided by this time. */
  speedup: number;
  /** "194 ok, 482 not found, 0 errors" of the last run, to show the work was done. */
  counts: string;
}

export async function measureDownloads(
  runs: number,
  progress: (line: string) => void,
): Promise<DownloadRow[]> {
  const { downloadMany, everyCode } = await import("../flags/index.ts");
  const server = await startServerProcess();
  const codes = everyCode();
  const rows: Omit<DownloadRow, "speedup">[] = [];
  try {
    for (const executor of LOCAL_EXECUTOR_NAMES) {
      const seconds: number[] = [];
      let counts = "";
      let concurrency = 0;
      for (let run = 0; run < runs; run++) {
        progress(`downloads: ${executor}, run ${run + 1} of ${runs}`);
        const dest = await mkdtemp(path.join(os.tmpdir(), "futures-bench-flags-"));
        try {
          const summary = await downloadMany(codes, { baseUrl: server.url, dest, executor });
          seconds.push(summary.elapsedMs / 1000);
          concurrency = summary.concurrency;
          const { ok, notFound, error } = summary.counts;
          counts = `${ok} ok, ${notFound} not found, ${error} errors`;
        } finally {
          await rm(dest, { recursive: true, force: true });
        }
      }
      rows.push({
        executor,
        concurrency,
        seconds: median(seconds),
        secondsRange: [Math.min(...seconds), Math.max(...seconds)],
        counts,
      });
    }
  } finally {
    server.child.kill();
  }
  const sequential = rows.find((row) => row.executor === "sequential")!.seconds;
  return rows.map((row) => ({ ...row, speedup: sequential / row.seconds }));
}

export function downloadTable(rows: readonly DownloadRow[]): ReportTable {
  return {
    headers: ["executor", "concurrency", "time", "min-max", "vs sequential", "result"],
    rows: rows.map((row) => [
      row.executor,
      String(row.concurrency),
      `${row.seconds.toFixed(2)}s`,
      `${row.secondsRange[0].toFixed(2)}-${row.secondsRange[1].toFixed(2)}s`,
      `${row.speedup.toFixed(2)}x`,
      row.counts,
    ]),
    left: [0, 5],
  };
}

/** Start `startFlagServer` with LOCAL only on a free port in a child process; resolve with its URL. */
async function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const serverModule = new URL(`../server/index${extension}`, import.meta.url).href;
  const script =
    `const { startFlagServer } = await import(${JSON.stringify(serverModule)});\n` +
    `const server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });\n` +
    `console.log(server.urls.LOCAL);\n` +
    `process.on("disconnect", () => process.exit(0));\n`;
  const child = spawn(process.execPath, [...process.execArgv, "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the flag server exited (code ${code}) before listening`)));
  });
  lines.close();
  return { url, child };
}
