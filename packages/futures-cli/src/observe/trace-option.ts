// `--trace FILE` of the commands that run calls on an executor (flags, arcfour, sha, primes,
// bench): the calls of the run, written as a Chrome trace once it ends, also when it failed
// or was interrupted, so that the calls made until then can be seen.
import { Option } from "commander";

export function traceOption(): Option {
  return new Option(
    "--trace <FILE>",
    "write the calls as a Chrome trace (one track per worker), for Perfetto or chrome://tracing",
  );
}

/** Run `work`, recording its calls into `file` when one is given. */
export async function withTrace<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (file === undefined) return work();
  const { checkOutputPath, writeAtomically } = await import("../common/output-file.ts");
  const { CallRecorder } = await import("./call-recorder.ts");
  const { chromeTrace } = await import("./chrome-trace.ts");
  const path = await checkOutputPath(file, "the trace", "--trace");
  const recorder = new CallRecorder();
  const write = async (): Promise<void> => {
    recorder.stop();
    await writeAtomically(path, chromeTrace(recorder.spans), "the trace");
    process.stderr.write(
      `trace: ${recorder.spans.length} calls on ${recorder.workerCount} workers written to ${path}\n`,
    );
  };
  recorder.start();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The run's own error is the one to report; a failed write gets a line of its own.
    await write().catch((writeError: Error) => process.stderr.write(`futures: ${writeError.message}\n`));
    throw error;
  }
  await write();
  return result;
}
