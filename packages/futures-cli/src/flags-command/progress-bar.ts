// A progress bar on a terminal that behaves like tqdm: redrawn at most every 0.1 s as items
// finish, with tqdm's smoothed rate while running and the average rate at the end, the width of
// the terminal (read again on every draw, so a resize is followed), and left on its own line
// when it stops, however the run ends.
//
// Unlike tqdm's, it leaves one clean line whatever the terminal does meanwhile. It keeps one
// column free, so that no terminal wraps it, not even one that wraps as soon as the last column
// is written, and it turns the terminal's wrapping off while it draws, so that a line drawn for
// the old width just as the terminal narrows is cut, not folded onto the next rows. After each
// draw the cursor goes back to the start of the line: there the terminal's echo of ^C lands on
// the bar, and the next draw covers it; and when a narrower terminal folds the old line over
// several rows, the cursor is still at its start, so erasing to the end of the screen removes
// every row of it (erasing the line alone would leave all but the last).
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

/** Erase from the cursor to the end of the screen (ED 0). */
const ERASE_DOWN = "\x1b[J";
/** Turn the terminal's automatic wrapping at the right margin off and back on (DECAWM). */
const NO_WRAP = "\x1b[?7l";
const WRAP = "\x1b[?7h";

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
  // A process that ends while the bar is drawn (a second Ctrl-C) still ends its line.
  readonly #onExit = (): void => this.stop();
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
    process.once("exit", this.#onExit);
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
    process.off("exit", this.#onExit);
    this.#draw(true);
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
      columns: this.#stream.columns === undefined ? undefined : this.#stream.columns - 1,
    });
    // From the start of the line, erase to the end of the screen, draw without wrapping, and go
    // back to the start (or on to the next line at the end), all in one write.
    this.#stream.write(`\r${ERASE_DOWN}${NO_WRAP}${line}${WRAP}${final ? "\n" : "\r"}`);
  }
}
