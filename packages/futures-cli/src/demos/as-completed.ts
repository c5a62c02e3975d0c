// `futures demo as-completed`: the book's flags_threadpool_ac.py. Five downloads go to a
// pool of three threads; printing each future as it is scheduled shows three running and
// two pending, then asCompleted() hands them back in the order they finish.
import { inspect } from "node:util";
import { task } from "concurrent-futures";
import { ThreadPoolExecutor } from "concurrent-futures";
import { asCompleted } from "concurrent-futures";
import { POP20_CC } from "../flags/country-codes.ts";
import { DEFAULT_DEST, DEFAULT_TIMEOUT_MS } from "../flags/defaults.ts";
import { downloadFlag, type DownloadRequest } from "../flags/download-one.ts";
import { ensureLocalServer } from "../flags/local-server.ts";
import { prepareDestination } from "../flags/destination.ts";
import { newTempTag } from "../flags/save-flag.ts";
import { resolveServer } from "../flags/servers.ts";

/** Download one flag and return its code, as the book's download_one does. */
export const fetchFlagCode = task(
  import.meta.url,
  "fetchFlagCode",
  async (cc: string, request: DownloadRequest) => {
    const result = await downloadFlag(cc, request);
    if (result.status !== "ok") throw new Error(`${cc}: ${result.error ?? "not found"}`);
    return cc;
  },
);

export interface AsCompletedDemoOptions {
  /** Where the lines go (default stdout). */
  write?: ((line: string) => void) | undefined;
  dest?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export async function runAsCompletedDemo({
  write = (line) => console.log(line),
  dest = DEFAULT_DEST,
  env = process.env,
}: AsCompletedDemoOptions = {}): Promise<void> {
  const server = resolveServer("LOCAL", env);
  const { label, host, port } = server.local!;
  await prepareDestination(dest);
  const local = await ensureLocalServer(label, host, port, server.url);
  const request: DownloadRequest = {
    baseUrl: local.url,
    dest,
    timeout: DEFAULT_TIMEOUT_MS,
    retries: 0,
    overwrite: true,
    tempTag: newTempTag(),
    connections: 1,
  };
  // Files land in the user's folders: say where, before anything is written.
  write(`Saving 5 flags in '${dest}' (-d DIR for another folder)`);
  const executor = new ThreadPoolExecutor({ maxWorkers: 3 });
  try {
    const toDo = POP20_CC.slice(0, 5)
      .sort()
      .map((cc) => {
        const future = executor.submit(fetchFlagCode, cc, request);
        write(`Scheduled for ${cc}: ${future}`);
        return future;
      });
    for await (const future of asCompleted(toDo)) {
      const result = await future.result();
      write(`${future} result: ${inspect(result)}`);
    }
  } finally {
    await executor.shutdown({ wait: true, cancelFutures: true });
    await local.close();
  }
}
