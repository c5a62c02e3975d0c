// `futures bench`: measure, print the tables, write the HTML report.
import path from "node:path";
import { checkOutputPath, writeAtomically } from "../common/output-file.ts";
import { chromeTrace } from "../observe/chrome-trace.ts";
import { benchHtml } from "./bench-html.ts";
import { measureSuites, type BenchOptions, type Measurement } from "./bench-measure.ts";
import { noisyCases, startupTable, suiteTable, summarize, type BenchRow } from "./bench-summary.ts";
import { downloadTable, measureDownloads, type DownloadRow } from "./download-bench.ts";
import { tableText } from "./report-table.ts";
import type { Print } from "../cpu-commands/suite.ts";

export interface RunBenchOptions extends BenchOptions {
  /** Where to write the HTML report. */
  html: string;
  /** With --trace FILE: each row's trace goes beside FILE (rowTraceFile), linked from the report. */
  traceFile?: string | undefined;
  /** Also time `futures flags -e` on every executor against a LOCAL server (default true). */
  downloads?: boolean | undefined;
  print?: Print | undefined;
}

export async function runBench({
  html,
  traceFile,
  downloads = true,
  print = console.log,
  ...options
}: RunBenchOptions): Promise<void> {
  // Fail on an unwritable report path now, not after minutes of measuring.
  const file = await checkOutputPath(html, "the report", "--html");
  const measurements = await measureSuites({ ...options, recordCalls: traceFile !== undefined }, (line) =>
    print(line),
  );
  const rows = summarize(measurements);
  if (traceFile !== undefined) await writeRowTraces(measurements, rows, traceFile, file);
  print("");
  print(`Median of ${options.runs} runs, timed on pools whose workers are already running:`);
  for (const line of tableText(suiteTable(rows))) print(line);
  const noisy = noisyCases(rows);
  if (noisy.length > 0) {
    print("* the spread of the runs is larger than the effect (no measurable change):");
    for (const text of noisy) print(`  ${text}`);
  }
  if (rows.some((row) => row.kind !== "async")) {
    print("");
    print("Pool start-up (created until every worker ran a no-op):");
    for (const line of tableText(startupTable(rows))) print(line);
  }
  let downloadRows: DownloadRow[] | undefined;
  if (downloads) {
    try {
      downloadRows = await measureDownloads(options.runs, (line) => print(line));
      print("");
      print(
        `Downloads of the 676 codes of \`futures flags -e\` from a LOCAL server, median of ${options.runs}:`,
      );
      for (const line of tableText(downloadTable(downloadRows))) print(line);
    } catch (error) {
      // The CPU tables stand on their own; say why the downloads are missing.
      print(`downloads not measured: ${(error as Error).message}`);
    }
  }
  await writeAtomically(file, benchHtml(rows, options, new Date(), downloadRows), "the report");
  print("");
  print(`Report written to ${file}`);
}

/** Each row's calls as a trace beside `traceFile`; the row then links to it, relative to the report. */
async function writeRowTraces(
  measurements: readonly Measurement[],
  rows: BenchRow[],
  traceFile: string,
  report: string,
): Promise<void> {
  for (const [i, measurement] of measurements.entries()) {
    if (!measurement.calls) continue;
    const file = rowTraceFile(path.resolve(traceFile), measurement.kind, measurement.workers);
    await writeAtomically(file, chromeTrace(measurement.calls), "the trace");
    rows[i]!.trace = path.relative(path.dirname(report), file).split(path.sep).join("/");
  }
}

/** bench.json -> bench.processes-2.json: the trace of one row, named after it. */
export function rowTraceFile(traceFile: string, kind: string, workers: number): string {
  const extension = path.extname(traceFile) || ".json";
  return `${traceFile.slice(0, traceFile.length - path.extname(traceFile).length)}.${kind}-${workers}${extension}`;
}
