// `futures bench`: measure, print the tables, write the HTML report.
import { randomBytes } from "node:crypto";
import { access, constants, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { benchHtml } from "./bench-html.ts";
import { measureSuites, type BenchOptions } from "./bench-measure.ts";
import { noisyCases, startupTable, suiteTable, summarize } from "./bench-summary.ts";
import { downloadTable, measureDownloads, type DownloadRow } from "./download-bench.ts";
import { tableText } from "./report-table.ts";
import type { Print } from "../cpu-commands/suite.ts";

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
  await checkReportPath(file);
  const measurements = await measureSuites(options, (line) => print(line));
  const rows = summarize(measurements);
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
  await writeAtomically(file, benchHtml(rows, options, new Date(), downloadRows));
  print("");
  print(`Report written to ${file}`);
}

/** One clear sentence when the report cannot be written where asked. */
async function checkReportPath(file: string): Promise<void> {
  const folder = path.dirname(file);
  const fail = (why: string) => {
    throw new Error(`cannot write the report to ${file}: ${why}`);
  };
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) fail(`the folder ${folder} does not exist (create it, or choose another --html path)`);
  if (!folderStat!.isDirectory()) fail(`${folder} is not a folder`);
  if ((await stat(file).catch(() => undefined))?.isDirectory()) fail("that is a folder, not a file");
  await access(folder, constants.W_OK).catch(() => fail(`the folder ${folder} is not writable`));
}

/** Write through a temporary file and rename, so a failure never leaves half a report. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write the report to ${file}: ${(error as Error).message}`);
  }
}
