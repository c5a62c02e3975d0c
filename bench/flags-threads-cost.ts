// What threads cost against the event loop in `futures flags -e`: time and peak RSS of
// -x threads and -x async, alternated (a scoreboard row and case 2b of bench/flags.ts).
import { median } from "futures-cli/bench";
import { CLI, futuresFlags, type Sample } from "./flag-runs.ts";

export interface ThreadsAgainstAsync {
  threads: Sample;
  async: Sample;
  /** threads' time / async's time, and the same for peak RSS (undefined when a run failed). */
  timeRatio: number | undefined;
  memoryRatio: number | undefined;
}

/**
 * `futures flags -e -x threads` against `-x async` (their default concurrency each), `runs`
 * times alternated, each with its time and peak RSS; the median time and median RSS of each.
 * Threads in Node are isolates, not the book's cheap threads: this is what they cost.
 */
export async function threadsAgainstAsync(
  baseUrl: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<ThreadsAgainstAsync> {
  const samples: Record<"threads" | "async", Sample[]> = { threads: [], async: [] };
  for (let run = 0; run < runs; run++) {
    for (const executor of ["threads", "async"] as const) {
      samples[executor].push(
        await futuresFlags(["-e", "-x", executor, "-s", baseUrl], env, undefined, CLI, true),
      );
    }
  }
  const summary = (list: Sample[]): Sample => {
    const failed = list.find((sample) => !sample.ok || sample.peakRss === undefined);
    if (failed) return { ...failed, ok: false, note: failed.note ?? "no peak RSS line" };
    return {
      ms: median(list.map((sample) => sample.ms)),
      peakRss: median(list.map((sample) => sample.peakRss!)),
      reportedMs: median(list.map((sample) => sample.reportedMs ?? NaN)),
      ok: true,
    };
  };
  const threads = summary(samples.threads);
  const async = summary(samples.async);
  const both = threads.ok && async.ok;
  return {
    threads,
    async,
    timeRatio: both ? threads.ms / async.ms : undefined,
    memoryRatio: both ? threads.peakRss! / async.peakRss! : undefined,
  };
}
