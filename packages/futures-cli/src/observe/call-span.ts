// One call as the observers of a command (the trace file) see it: which executor and which of
// its workers ran it, and when it was submitted, started and ended.
export interface CallSpan {
  /** The executor, as a person reads it: "ProcessPoolExecutor 1". */
  executor: string;
  /** The worker within it that ran the call: "process 4121", "thread 2", "slot 3". */
  worker: string;
  task: string;
  /** Milliseconds on this process's performance.now() clock. */
  submittedAt: number;
  startedAt: number;
  endedAt: number;
  outcome: "ok" | "failed";
}
