// ProcessPoolExecutor: tasks run in child processes; arguments and results cross as JSON when
// that carries them exactly, else by V8 serialization (process-channel.ts).
import type { Socket } from "node:net";
import { startChild } from "./child-process.ts";
import { BrokenProcessPool } from "./errors.ts";
import type { FromWorker } from "./messages.ts";
import { WorkerPool } from "./pool.ts";
import type { WorkerChannel, WorkerEvents } from "./worker-slot.ts";
import { HAS_PIPE, ProcessChannel } from "./process-channel.ts";
import type { Task } from "./task.ts";
import { processEntry, workerEntryUrl } from "./worker-entry.ts";
import { workerExecArgv } from "./worker-exec-argv.ts";

export interface ProcessPoolExecutorOptions {
  /** Default os.availableParallelism(). */
  maxWorkers?: number | undefined;
  /** A task run once in each new process before any work; if it throws, the pool breaks. */
  initializer?: Task | undefined;
  initargs?: unknown[] | undefined;
  /** Replace a process after it has run this many tasks. */
  maxTasksPerChild?: number | undefined;
  /**
   * How many calls one process runs at once (default 1: one at a time, as in Python); above
   * 1, an async task that awaits lets the process start its next call. The same contract as
   * ThreadPoolExecutor's option of that name.
   */
  concurrentCallsPerWorker?: number | undefined;
  /**
   * Node options for the children; default: those of this process's own that make sense for a
   * worker (a TypeScript loader carries over; --input-type, -e, --test, --watch do not).
   */
  execArgv?: string[] | undefined;
  /**
   * The worker entry to start, for bundled programs: a file that imports
   * "concurrent-futures/worker" and the task modules. Default: the library's own worker loop.
   */
  workerUrl?: URL | string | undefined;
}

export class ProcessPoolExecutor extends WorkerPool {
  protected readonly workerKind = "process";
  readonly #execArgv: string[];
  readonly #entry: string;

  constructor({
    maxWorkers,
    initializer,
    initargs,
    maxTasksPerChild,
    concurrentCallsPerWorker,
    execArgv,
    workerUrl,
  }: ProcessPoolExecutorOptions = {}) {
    super({
      maxWorkers: maxWorkers ?? process.getBuiltinModule("node:os").availableParallelism(),
      initializer,
      initargs,
      maxTasksPerChild,
      concurrentCallsPerWorker,
    });
    this.#execArgv = execArgv ?? workerExecArgv(process.execArgv);
    this.#entry = processEntry(workerEntryUrl(workerUrl, "ProcessPoolExecutor"));
  }

  /** Send SIGKILL to every worker process now (Python 3.14's kill_workers). */
  killWorkers(): Promise<void> {
    return this.stopWorkers("SIGKILL", "the pool's workers were killed");
  }

  protected spawn(events: WorkerEvents): WorkerChannel {
    // fd 4: the pipe of process-channel.ts.
    const child = startChild(this.#entry, this.#execArgv, [
      "ignore",
      "inherit",
      "inherit",
      "ipc",
      ...(HAS_PIPE ? ["pipe" as const] : []),
    ]);
    const pipe = child.stdio[4] as Socket | null;
    const channel = new ProcessChannel({
      ipc: (numbered) => void child.send(numbered),
      pipe: pipe ?? undefined,
      deliver: (message) => events.message(message as FromWorker),
    });
    let spawnError: unknown;
    child.on("message", (numbered) => channel.fromIpc(numbered));
    child.on("error", (error) => (spawnError = error));
    child.on("exit", (code, signal) => {
      const reason = signal ? `killed by ${signal}` : spawnError ? String(spawnError) : `exit code ${code}`;
      events.exit(reason, spawnError);
    });
    return {
      send: (message) => channel.send(message),
      ref: () => {
        child.ref();
        pipe?.ref();
        // Bun's channel has neither ref() nor unref(): the child's own ref() covers it there.
        child.channel?.ref?.();
      },
      unref: () => {
        child.unref();
        pipe?.unref();
        child.channel?.unref?.();
      },
      terminate: (signal = "SIGTERM") => void child.kill(signal),
      info: { kind: "process", pid: child.pid },
    };
  }

  protected brokenError(message: string, cause?: unknown): BrokenProcessPool {
    return new BrokenProcessPool(message, cause === undefined ? undefined : { cause });
  }
}
