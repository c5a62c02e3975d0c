// What a worker adds to each outcome it writes: who ran the job (its BullMQ id, host, pid and
// how many jobs it runs at once) and for how long, so that the producer can put the call on
// that worker's track in its stats and trace events. It rides as the outcome's third element,
// which producers of earlier releases ignore. A worker is not trusted for it any more than for
// the result: the producer keeps a report only if every field is of its kind and size.
import { printable } from "./printable.ts";
import { MAX_WORKER_ID_LENGTH } from "./worker-registry.ts";

/** The worker's part of a report, the same for every job it runs. */
export interface RunnerMark {
  /** BullMQ's id of the worker (the one its job locks carry). */
  w: string;
  /** os.hostname() of its machine. */
  h: string;
  p: number;
  /** Jobs it runs at once. */
  c: number;
}

/** A report: the runner, and the milliseconds it spent on the job, from taking it to answering. */
export interface RunReport extends RunnerMark {
  r: number;
}

const MAX_HOST_LENGTH = 255;
/** A worker's concurrency is far below this; a larger one is not a worker's report. */
const MAX_CONCURRENCY = 1_000_000;

/** The report in an outcome's third element, checked; undefined when missing or not a report. */
export function readRunReport(raw: unknown): RunReport | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const { w, h, p, c, r } = raw as Partial<Record<keyof RunReport, unknown>>;
  if (
    typeof w !== "string" ||
    w.length === 0 ||
    w.length > MAX_WORKER_ID_LENGTH ||
    typeof h !== "string" ||
    h.length > MAX_HOST_LENGTH ||
    !Number.isSafeInteger(p) ||
    (p as number) < 0 ||
    !Number.isSafeInteger(c) ||
    (c as number) < 1 ||
    (c as number) > MAX_CONCURRENCY ||
    typeof r !== "number" ||
    !(r >= 0) ||
    !Number.isFinite(r)
  ) {
    return undefined;
  }
  return { w, h: printable(h, 64), p: p as number, c: c as number, r };
}
