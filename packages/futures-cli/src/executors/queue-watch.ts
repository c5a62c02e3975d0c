// The executor of `-x queue`, and no silent waits: while a command's run is on, a queue that no
// live worker serves is said in one line, a few seconds after the start and again every
// 30 s at most while it stays so. The live workers are read as the executor reads them: its
// window (maxWorkers) is twice their concurrency, 0 when none announced itself. A fixed
// window (-m, WORKERS) hides that, so a second executor with no window and no jobs is then
// opened beside the first, only to be asked.
import type { ShutdownOptions } from "concurrent-futures";
import { QueueExecutor, describeConnection, redisOptions } from "concurrent-futures/queue";

/** Where the jobs go, with the key and how to name the command (catalogue.ts's QueueSettings). */
interface QueueSettings {
  connection: string;
  queue: string;
  key?: Buffer | undefined;
  use?: QueueUse | undefined;
}

interface QueueUse {
  command: string;
  imports: string;
}

/** The first look, once the workers had time to be counted (they announce every 2 s). */
const FIRST_CHECK_MS = 5_000;
const CHECK_EVERY_MS = 10_000;
/** The line is said at most this often. */
const SAY_EVERY_MS = 30_000;

/** A QueueExecutor that says when no worker serves its queue, until it is shut down. */
class WatchedQueueExecutor extends QueueExecutor {
  /** Stops the timers at once; resolves when the second executor, if any, is closed. */
  #stopWatch: (() => Promise<void>) | undefined;

  watch(settings: QueueSettings, use: QueueUse, fixedWindow: boolean, say: (line: string) => void): void {
    const probe = fixedWindow
      ? new QueueExecutor({ queue: settings.queue, connection: settings.connection })
      : this;
    probe.waitUntilReady().catch(() => {});
    const redis = describeConnection(redisOptions(settings.connection));
    const line =
      `futures ${use.command}: no worker is serving queue '${settings.queue}' on Redis ${redis} ` +
      `(start one with: futures worker --queue ${settings.queue} --import ${use.imports}); still waiting`;
    let saidAt: number | undefined;
    const check = (): void => {
      if (probe.maxWorkers > 0) return;
      const now = performance.now();
      if (saidAt !== undefined && now - saidAt < SAY_EVERY_MS) return;
      saidAt = now;
      say(line);
    };
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      check();
      interval = setInterval(check, CHECK_EVERY_MS).unref();
    }, FIRST_CHECK_MS).unref();
    this.#stopWatch = () => {
      clearTimeout(first);
      clearInterval(interval);
      return probe === this ? Promise.resolve() : probe.shutdown({ wait: true }).catch(() => {});
    };
  }

  override async shutdown(options?: ShutdownOptions): Promise<void> {
    const watchEnded = this.#endWatch();
    await super.shutdown(options);
    if (options?.wait !== false) await watchEnded;
  }

  override async terminateWorkers(): Promise<void> {
    const watchEnded = this.#endWatch();
    await super.terminateWorkers();
    await watchEnded;
  }

  #endWatch(): Promise<void> {
    const stop = this.#stopWatch;
    this.#stopWatch = undefined;
    return stop ? stop() : Promise.resolve();
  }
}

/** The executor of -x queue, ready; `window` undefined means twice the live workers' concurrency. */
export async function openQueueExecutor(
  window: number | undefined,
  settings: QueueSettings,
  say: (line: string) => void = (line) => console.error(line),
): Promise<QueueExecutor> {
  const executor = new WatchedQueueExecutor({
    queue: settings.queue,
    connection: settings.connection,
    key: settings.key,
    window,
  });
  await executor.waitUntilReady();
  if (settings.use) executor.watch(settings, settings.use, window !== undefined, say);
  return executor;
}
