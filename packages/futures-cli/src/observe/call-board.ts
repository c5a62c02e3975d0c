// What the dashboard shows, kept as the calls happen: the counts, calls per second, each
// worker's share of time busy, and the bars of the task stream. Bounded whatever the number
// of calls: the last MAX_BARS bars are kept (and sent to a page that connects late), and an
// update carries at most that many new ones, so that 100,000 calls cost what 5,000 do.
import type { CallSpan } from "./call-span.ts";
import type { CallListener, RunningCall } from "./call-recorder.ts";

export const MAX_BARS = 5000;
/** Calls per second are counted over this many of the last ticks. */
const RATE_TICKS = 4;

/** A bar: lane index, start and end (ms since the board started), 1 ok or 0 failed. */
export type Bar = [lane: number, start: number, end: number, ok: 0 | 1];

interface Lane {
  name: string;
  /** Calls on it now, and since when it has had at least one. */
  running: number;
  busySince: number;
  busyMs: number;
  calls: number;
  firstSeen: number;
}

/** One message to the page. */
export interface BoardUpdate {
  /** The page drops what it has and draws from this one (a page that just connected). */
  reset: boolean;
  finished: boolean;
  elapsedMs: number;
  counts: { submitted: number; running: number; done: number; failed: number; cancelled: number };
  perSecond: number;
  lanes: { name: string; calls: number; utilisation: number }[];
  bars: Bar[];
  /** Calls running now: lane index and start. */
  running: [lane: number, start: number][];
}

export class CallBoard implements CallListener {
  readonly #origin: number;
  readonly #lanes: Lane[] = [];
  readonly #laneIndex = new Map<string, number>();
  /** The calls running now, with their lane. */
  readonly #running = new Map<RunningCall, number>();
  #counts = { submitted: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  /** The last MAX_BARS bars, and those not yet sent. */
  #recent: Bar[] = [];
  #fresh: Bar[] = [];
  #endedPerTick: number[] = [];
  #endedThisTick = 0;
  #finished = false;

  constructor(origin = performance.now()) {
    this.#origin = origin;
  }

  submitted(): void {
    this.#counts.submitted++;
  }

  started(call: RunningCall): void {
    const lane = this.#lane(call.lane);
    const state = this.#lanes[lane]!;
    if (state.running++ === 0) state.busySince = call.startedAt;
    this.#running.set(call, lane);
    this.#counts.running++;
  }

  ended(outcome: CallSpan["outcome"], span: CallSpan | undefined, running: RunningCall | undefined): void {
    this.#counts[outcome === "ok" ? "done" : "failed"]++;
    this.#endedThisTick++;
    const runningLane = running === undefined ? undefined : this.#running.get(running);
    if (runningLane !== undefined) {
      this.#running.delete(running!);
      this.#counts.running--;
      const state = this.#lanes[runningLane]!;
      if (--state.running === 0) state.busyMs += Math.max(0, (span?.endedAt ?? 0) - state.busySince);
    }
    if (!span) return;
    const lane = this.#lane(`${span.executor} · ${span.worker}`);
    this.#lanes[lane]!.calls++;
    // A call whose start was learnt only with its end, or whose worker only with its outcome
    // (a queue's, running meanwhile on the lane of calls sent): its run time is all there is.
    if (runningLane !== lane) this.#lanes[lane]!.busyMs += span.endedAt - span.startedAt;
    const bar: Bar = [lane, this.#ms(span.startedAt), this.#ms(span.endedAt), outcome === "ok" ? 1 : 0];
    this.#recent.push(bar);
    this.#fresh.push(bar);
    if (this.#recent.length > 2 * MAX_BARS) this.#recent = this.#recent.slice(-MAX_BARS);
    if (this.#fresh.length > 2 * MAX_BARS) this.#fresh = this.#fresh.slice(-MAX_BARS);
  }

  cancelled(): void {
    this.#counts.cancelled++;
  }

  finish(): void {
    this.#finished = true;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Everything, for a page that just connected: the bars sent so far, since the next tick
   * sends the page the bars not sent yet (the end of #recent is #fresh).
   */
  snapshot(now = performance.now()): BoardUpdate {
    const sent = this.#recent.slice(0, Math.max(0, this.#recent.length - this.#fresh.length));
    return this.#update(true, sent.slice(-MAX_BARS), now);
  }

  /** What changed since the last tick; starts the next one. */
  tick(now = performance.now()): BoardUpdate {
    this.#endedPerTick.push(this.#endedThisTick);
    this.#endedThisTick = 0;
    if (this.#endedPerTick.length > RATE_TICKS) this.#endedPerTick.shift();
    const bars = this.#fresh.slice(-MAX_BARS);
    this.#fresh = [];
    return this.#update(false, bars, now);
  }

  #update(reset: boolean, bars: Bar[], now: number): BoardUpdate {
    const elapsedMs = this.#ms(now);
    const ticks = Math.max(1, this.#endedPerTick.length);
    return {
      reset,
      finished: this.#finished,
      elapsedMs,
      counts: { ...this.#counts },
      perSecond: Math.round(this.#endedPerTick.reduce((sum, n) => sum + n, 0) * (4 / ticks)),
      lanes: this.#lanes.map((lane) => {
        const busy = lane.busyMs + (lane.running > 0 ? Math.max(0, now - lane.busySince) : 0);
        const alive = Math.max(1, now - lane.firstSeen);
        return { name: lane.name, calls: lane.calls, utilisation: Math.min(1, busy / alive) };
      }),
      bars,
      running: [...this.#running].slice(0, MAX_BARS).map(([call, lane]) => [lane, this.#ms(call.startedAt)]),
    };
  }

  #lane(name: string): number {
    let index = this.#laneIndex.get(name);
    if (index === undefined) {
      index = this.#lanes.length;
      this.#laneIndex.set(name, index);
      this.#lanes.push({ name, running: 0, busySince: 0, busyMs: 0, calls: 0, firstSeen: performance.now() });
    }
    return index;
  }

  #ms(time: number): number {
    return Math.round(Math.max(0, time - this.#origin));
  }
}
