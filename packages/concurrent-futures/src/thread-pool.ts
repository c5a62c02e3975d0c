// ThreadPoolExecutor: tasks run in worker_threads, arguments and results by structured clone.
import type { MessagePort, ResourceLimits } from "node:worker_threads";
import { BrokenThreadPool } from "./errors.ts";
import { wakeWorker } from "./idle-wait.ts";
import { WorkerPool } from "./pool.ts";
import type { FromWorker, WakeMessage } from "./messages.ts";
import type { WorkerChannel, WorkerEvents } from "./worker-slot.ts";
import type { Task } from "./task.ts";
import { workerExecArgv, withoutRejectedThreadFlags } from "./worker-exec-argv.ts";
import { threadEntry, workerEntryUrl } from "./worker-entry.ts";

export interface ThreadPoolExecutorOptions {
  /** Default min(32, cpus + 4), as in Python. */
  maxWorkers?: number | undefined;
  /** A task run once in each new thread before any work; if it throws, the pool breaks. */
  initializer?: Task | undefined;
  initargs?: unknown[] | undefined;
  /**
   * How many calls one thread runs at once (default 1: one at a time, as in Python). Above 1,
   * an async task that awaits lets the thread start its next call, so that maxWorkers x this
   * many calls run together: I/O-bound tasks need few threads, each a whole V8 isolate (about
   * 10 MB and 30-80 ms of CPU to start, and its own copy of every module it loads). Calls
   * still start in submission order; a call with an AbortSignal runs alone in its thread,
   * since aborting it ends that thread.
   */
  concurrentCallsPerWorker?: number | undefined;
  /** V8 heap limits per thread; a thread that exceeds them breaks the pool. */
  resourceLimits?: ResourceLimits | undefined;
  /**
   * The worker entry to start, for bundled programs: a file that imports
   * "concurrent-futures/worker" and the task modules. Default: the library's own worker loop.
   */
  workerUrl?: URL | string | undefined;
}

/** Bun's and Deno's threads read their messages on their event loop only. */
const countsMessages = !(process.versions.bun ?? process.versions.deno);
/** node:os, loaded when a pool is made: a child process that imports the library makes none. */
const cores = () => process.getBuiltinModule("node:os").availableParallelism();

export class ThreadPoolExecutor extends WorkerPool {
  protected readonly workerKind = "thread";
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #entry: URL;
  /** How many of the threads hold calls, for idle-wait.ts. */
  readonly #busy = new Int32Array(new SharedArrayBuffer(4));
  /** On one core, a thread looking for its next call would only delay the pool's own thread. */
  readonly #spins = cores() > 1;
  /** Undefined: the threads inherit this thread's options, as Node does by default. */
  #execArgv: string[] | undefined;

  constructor({
    maxWorkers,
    initializer,
    initargs,
    concurrentCallsPerWorker,
    resourceLimits,
    workerUrl,
  }: ThreadPoolExecutorOptions = {}) {
    super({
      maxWorkers: maxWorkers ?? Math.min(32, cores() + 4),
      initializer,
      initargs,
      concurrentCallsPerWorker,
    });
    this.#resourceLimits = resourceLimits;
    this.#entry = workerEntryUrl(workerUrl, "ThreadPoolExecutor");
    const kept = workerExecArgv(process.execArgv);
    this.#execArgv = kept.length === process.execArgv.length ? undefined : kept;
  }

  protected spawn(events: WorkerEvents): WorkerChannel {
    const { entry, eval: isCode } = threadEntry(this.#entry);
    // Loaded on the first spawn: a program that never starts a thread does not pay for it.
    const { Worker, MessageChannel, receiveMessageOnPort } = process.getBuiltinModule("node:worker_threads");
    const start = () =>
      new Worker(entry, { eval: isCode, resourceLimits: this.#resourceLimits, execArgv: this.#execArgv });
    let worker: InstanceType<typeof Worker>;
    try {
      worker = start();
    } catch (error) {
      // Process-wide flags in an explicit execArgv: leave them out once, for good.
      const kept = this.#execArgv && withoutRejectedThreadFlags(this.#execArgv, error);
      if (!kept) throw error;
      this.#execArgv = kept;
      worker = start();
    }
    // On Node, the pool and its thread talk on a port of their own (a message there skips the
    // Worker's own relay of each "message" event), and the thread waits for its next call
    // blocked on a counter for a while (idle-wait.ts).
    let counter: Int32Array | undefined;
    let port: MessagePort | undefined;
    if (countsMessages) {
      counter = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      const wake: WakeMessage = { t: "wake", counter, port: port2, busy: this.#busy, spins: this.#spins };
      worker.postMessage(wake, [port2]);
      port1.on("message", events.message);
      // The worker's own ref() keeps the program alive while it has work.
      port1.unref();
      port = port1;
    }
    let error: unknown;
    worker.on("message", events.message);
    worker.on("error", (e) => (error = e));
    let holding = false;
    const held = (now: boolean) => {
      if (holding !== now) Atomics.add(this.#busy, 0, now ? 1 : -1);
      holding = now;
    };
    worker.on("exit", (code) => {
      // What the thread sent before it ended, as the Worker's own messages come before "exit".
      if (port) {
        for (let entry; (entry = receiveMessageOnPort(port));) events.message(entry.message as FromWorker);
        port.close();
      }
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : `exit code ${code}`;
      held(false);
      events.exit(reason, error);
    });
    const target = port ?? worker;
    return {
      send: (message, transfer) => {
        if (transfer?.length) target.postMessage(message, transfer);
        else target.postMessage(message);
        if (counter) wakeWorker(counter);
      },
      // The pool refs a thread while it holds calls (or is ending), and unrefs it once idle.
      ref: () => {
        worker.ref();
        held(true);
      },
      unref: () => {
        worker.unref();
        held(false);
      },
      terminate: () => void worker.terminate(),
      info: { kind: "thread", threadId: worker.threadId },
    };
  }

  protected brokenError(message: string, cause?: unknown): BrokenThreadPool {
    return new BrokenThreadPool(message, cause === undefined ? undefined : { cause });
  }
}
