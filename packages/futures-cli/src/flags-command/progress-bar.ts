// A progress bar on a terminal that behaves like tqdm: redrawn at most every 0.1 s as items
// finish, with tqdm's smoothed rate while running and the average rate at the end, the full
// width of the terminal (read again on every draw, so a resize is followed), and left on its
// own line when it stops.
import type { Writable } from "node:stream";
import { formatMeter } from "./tqdm-line.ts";

/** The terminal side of the stream: Node's tty.WriteStream has `columns` and emits "resize". */
type Terminal = Writable & { columns?: number | undefined };

export interface ProgressBarOptions {
  /** Name of an item, as in "flags/s". */
  unit: string;
  /** Seconds between redraws while items finish (tqdm's mininterval). */
  minInterval?: number;
  /** Seconds between redraws while nothing finishes, so that the clock moves. */
  tick?: number;
  /** Clock in seconds; the tests give their own. */
  now?: () => number;
}

/** tqdm's exponential moving average, corrected for its start at 0 (smoothing 0.3). */
class Ema {
  #last = 0;
  #calls = 0;
  constructor(readonly alpha = 0.3) {}
  add(value: number): void {
    this.#last = this.alpha * value + (1 - this.alpha) * this.#last;
    this.#calls++;
  }
  get value(): number | undefined {
    return this.#calls === 0 ? undefined : this.#last / (1 - (1 - this.alpha) ** this.#calls);
  }
}

export class ProgressBar {
  readonly #stream: Terminal;
  readonly #total: number;
  readonly #unit: string;
  readonly #minInterval: number;
  readonly #now: () => number;
  readonly #start: number;
  readonly #timer: NodeJS.Timeout;
  readonly #dn = new Ema();
  readonly #dt = new Ema();
  readonly #redraw = (): void => this.#draw();
  #n = 0;
  #lastPrintN = 0;
  #lastPrintT: number;
  #stopped = false;

  constructor(stream: Writable, total: number, options: ProgressBarOptions) {
    this.#stream = stream as Terminal;
    this.#total = total;
    this.#unit = options.unit;
    this.#minInterval = options.minInterval ?? 0.1;
    this.#now = options.now ?? ((): number => performance.now() / 1000);
    this.#start = this.#lastPrintT = this.#now();
    this.#timer = setInterval(this.#redraw, (options.tick ?? 1) * 1000).unref();
    this.#stream.on("resize", this.#redraw);
    this.#draw();
  }

  /** `count` more items are done. */
  update(count = 1): void {
    if (this.#stopped) return;
    this.#n += count;
    const now = this.#now();
    const dt = now - this.#lastPrintT;
    if (dt < this.#minInterval) return;
    this.#dn.add(this.#n - this.#lastPrintN);
    this.#dt.add(dt);
    this.#lastPrintN = this.#n;
    this.#lastPrintT = now;
    this.#draw();
  }

  /** Draw the last state with the average rate and end the line; the bar stays where it is. */
  stop(): void {
    if (this.#stopped) return;
    clearInterval(this.#timer);
    this.#stream.off("resize", this.#redraw);
    this.#draw(true);
    this.#stream.write("\n");
    this.#stopped = true;
  }

  #draw(final = false): void {
    if (this.#stopped) return;
    const elapsed = this.#now() - this.#start;
    const dt = this.#dt.value;
    const smoothed = !final && dt ? this.#dn.value! / dt : undefined;
    const rate = smoothed ?? (elapsed > 0 ? this.#n / elapsed : undefined);
    const line = formatMeter({
      n: this.#n,
      total: this.#total,
      elapsed,
      rate,
      unit: this.#unit,
      columns: this.#stream.columns,
    });
    // Back to the start of the line and clear it, so a shorter line leaves nothing behind.
    this.#stream.write(`\r\x1b[K${line}`);
  }
}
