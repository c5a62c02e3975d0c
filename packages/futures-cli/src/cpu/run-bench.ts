// `futures bench`: measure, print the tables, write the HTML report.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { benchHtml } from "./bench-html.ts";
import { measureSuites, type BenchOptions } from "./bench-measure.ts";
import { startupTable, suiteTable, summarize } from "./bench-summary.ts";
import { downloadTable, measureDownloads, type DownloadRow } from "./download-bench.ts";
import type { Print } from "./suite.ts";

export interface RunBenchOptions extends BenchOptions {
  /** Where to write the HTML report. */
  html: string;
  /** Also time `futures flags -e` on every executor against a LOCAL server (default true). */
  downloads?: boolean | undefined;
  print?: Print | undefined;
}

export async function runBench({
  html,
  downloads = true,
  print = console.log,
  ...options
}: RunBenchOptions): Promise<void> {
  // Fail on an unwritable report path now, not after minutes of measuring.
  const file = path.resolve(html);
  try {
    await writeFile(file, "");
  } catch (error) {
    throw new Error(`cannot write the report to ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const measurements = await measureSuites(options, (line) => print(line));
  const rows = summarize(measurements);
  print("");
  print(`Median of ${options.runs} runs, timed on pools whose workers are already running:`);
  for (const line of suiteTable(rows)) print(line);
  if (rows.some((row) => row.kind !== "async")) {
    print("");
    print("Pool start-up (created until every worker ran a no-op):");
    for (const line of startupTable(rows)) print(line);
  }
  let downloadRows: DownloadRow[] | undefined;
  if (downloads) {
    try {
      downloadRows = await measureDownloads(options.runs, (line) => print(line));
      print("");
      print(
        `Downloads of the 676 codes of \`futures flags -e\` from a LOCAL server, median of ${options.runs}:`,
      );
      for (const line of downloadTable(downloadRows)) print(line);
    } catch (error) {
      // The CPU tables stand on their own; say why the downloads are missing.
      print(`downloads not measured: ${(error as Error).message}`);
    }
  }
  await writeFile(file, benchHtml(rows, options, new Date(), downloadRows));
  print("");
  print(`Report written to ${file}`);
}
