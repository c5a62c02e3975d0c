// The executor of `-x queue`, and no silent waits: a Redis that does not answer within 2 s
// gets one line saying what the command waits for and until when; when calls wait with no
// live worker on the queue, the executor's no-worker event (after 5 s, then each minute while
// it lasts) becomes one line that names the command starting a worker for it.
import { QueueExecutor, describeConnection, type Connection } from "concurrent-futures/queue";

/** Where the jobs go, with the key and how to name the command (catalogue.ts's QueueSettings). */
interface QueueSettings {
  connection: Connection;
  queue: string;
  key?: Buffer | undefined;
  use?: { command: string; imports: string } | undefined;
}

/** Calls wait this long with no live worker before the line (workers announce every 2 s). */
const NO_WORKER_WARNING_MS = 5_000;
/** Redis unanswered this long: say so. It fails the command after CONNECTION_TIMEOUT_MS. */
const WAITING_LINE_MS = 2_000;
const CONNECTION_TIMEOUT_MS = 30_000;

/** The executor of -x queue, ready; `window` undefined means twice the live workers' concurrency. */
export async function openQueueExecutor(
  window: number | undefined,
  settings: QueueSettings,
  signal?: AbortSignal,
  say: (line: string) => void = (line) => console.error(line),
): Promise<QueueExecutor> {
  const { queue, connection, use } = settings;
  const redis = describeConnection(connection);
  const executor = new QueueExecutor({
    queue,
    connection,
    key: settings.key,
    window,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    noWorkerWarning: NO_WORKER_WARNING_MS,
    onEvent: (event) =>
      say(
        use
          ? `futures ${use.command}: no worker is serving queue '${queue}' on Redis ${redis} ` +
              `(start one with: futures worker --queue ${queue} --import ${use.imports}); still waiting`
          : `futures: ${event.message}`,
      ),
  });
  const waiting = setTimeout(
    () =>
      say(
        `futures${use ? ` ${use.command}` : ""}: waiting for Redis at ${redis} ` +
          `(gives up after ${CONNECTION_TIMEOUT_MS / 1000} s)`,
      ),
    WAITING_LINE_MS,
  );
  // An interrupt while Redis does not answer ends the wait, and the executor with it.
  let onAbort = (): void => {};
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => {
      executor.shutdown({ wait: false, cancelFutures: true }).catch(() => {});
      reject(signal!.reason);
    };
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.race([executor.waitUntilReady(), interrupted]);
  } finally {
    clearTimeout(waiting);
    signal?.removeEventListener("abort", onAbort);
  }
  return executor;
}
