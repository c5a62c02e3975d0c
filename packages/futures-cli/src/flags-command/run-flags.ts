// `futures flags`: check the command line, make sure a server is there, download with a
// progress view, report, and turn the outcome into an exit status.
import { parseFlagsArgs, type FlagsCliOptions } from "./args.ts";
import { HttpClient } from "../flags/http-get.ts";
import { downloadMany, type DownloadSummary } from "../flags/download-many.ts";
import { ensureLocalServer, type LocalServer } from "../flags/local-server.ts";
import { createProgressView, type ProgressMode } from "./progress.ts";
import { finalReport, hints, initialReport, jsonReport, retryLine, type SiteInfo } from "./report.ts";
import { prepareDestination, removeOwnTempFilesSync } from "../flags/destination.ts";
import { INTERRUPT_STATUS, INTERRUPTS, type Interrupt } from "../common/interrupts.ts";

export interface FlagsIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Run the command; returns its exit status. Usage errors throw UsageError. */
export async function runFlags(
  ccArgs: readonly string[],
  options: FlagsCliOptions,
  { stdout, stderr, env }: FlagsIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const settings = parseFlagsArgs(ccArgs, options, env);
  const { codes, json, verbose, dest } = settings;
  let { server } = settings;
  // A folder that cannot be written is known before anything is printed or started.
  await prepareDestination(settings.dest);
  let local: LocalServer | undefined;
  if (server.local) {
    const { label, host, port } = server.local;
    local = await ensureLocalServer(label, host, port, server.url);
    server = { ...server, url: local.url };
  }
  try {
    const site: SiteInfo = { server, startedHere: local?.startedHere ?? false };
    if (!json) stdout.write(`${initialReport(site, codes, settings.concurrency)}\n`);
    const mode: ProgressMode = verbose ? "verbose" : settings.progress && stderr.isTTY ? "bar" : "none";
    const lines = verbose && !json ? stdout : stderr;
    for (const note of settings.notes) stderr.write(`${note}\n`);
    const view = createProgressView(mode, codes.length, lines);
    // The report is written while a second signal is still this command's to answer: from
    // the moment the listeners are gone, Node's default ends the process where it stands.
    const { value: summary, interrupt } = await withInterrupt(dest, async (signal) => {
      const done = await downloadMany(codes, {
        baseUrl: server.url,
        dest,
        destinationChecked: true,
        // The command ends with the run: its connections are left for the process's end to
        // close (idle ones never keep it alive). Closing 676 of them one by one took 80-160 ms
        // after the report.
        client: new HttpClient(),
        executor: settings.executor,
        concurrency: settings.concurrency,
        retries: settings.retries,
        timeout: settings.timeoutMs,
        maxFileSize: settings.maxFileSize,
        overwrite: settings.overwrite,
        signal,
        onResult: (result) => view.update(result),
        // A plain line among the verbose ones, as each retry happens.
        onRetry: verbose ? (note) => lines.write(`${retryLine(note)}\n`) : undefined,
      }).finally(() => view.stop());
      stdout.write(`${json ? jsonReport(site, done) : finalReport(done)}\n`);
      for (const hint of hints(site, done)) stderr.write(`${hint}\n`);
      return done;
    });
    return interrupt ? INTERRUPT_STATUS[interrupt] : exitStatus(summary);
  } finally {
    await local?.close();
  }
}

function exitStatus(summary: DownloadSummary): number {
  return summary.counts.error > 0 || summary.stopped ? 1 : 0;
}

/**
 * Run `work` with a signal that the first SIGINT, SIGTERM or SIGHUP aborts: pending
 * downloads are cancelled, those in flight aborted, temporary files removed, and the report
 * of what was done still prints. A second one quits at once, without the report: saves are
 * synchronous, so no save of this thread is half done, and what a pool worker may have left
 * in `dest` is removed on the way out (and by the next run, should a worker outlive it).
 */
async function withInterrupt<T>(
  dest: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T; interrupt: Interrupt | undefined }> {
  const controller = new AbortController();
  let first: Interrupt | undefined;
  const onSignal = (signal: Interrupt): void => {
    if (first) {
      removeOwnTempFilesSync(dest);
      process.exit(INTERRUPT_STATUS[first]);
    }
    first = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  for (const name of INTERRUPTS) process.on(name, onSignal);
  try {
    const value = await work(controller.signal);
    return { value, interrupt: first };
  } finally {
    for (const name of INTERRUPTS) process.off(name, onSignal);
  }
}
