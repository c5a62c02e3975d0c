// One line of a progress bar, as tqdm's format_meter draws it:
//
//    15%|█████████▍                                              | 30/194 [00:03<00:16,  9.50flags/s]
//
// The bar takes the columns left after the counters, in eighths of a block. Where tqdm would
// cut the line on a narrow terminal, this one gives up the bar, then the rate, then the clock,
// and keeps the count.

export interface MeterState {
  /** Items done. */
  n: number;
  total: number;
  /** Seconds since the start. */
  elapsed: number;
  /** Items per second; undefined or 0 when not known yet ("?"). */
  rate: number | undefined;
  /** Name of an item: "flags" gives "flags/s". */
  unit: string;
  /** Width of the terminal; undefined draws a bar of 10, as tqdm does without a width. */
  columns: number | undefined;
}

/** The blank, the eight partial blocks and the full block (tqdm's Bar.UTF). */
const BLOCKS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588";
const EIGHTHS = BLOCKS.length - 1;
const DEFAULT_BAR = 10;

export function formatMeter({ n, total, elapsed, rate, unit, columns }: MeterState): string {
  const percent = `${formatPercent(total > 0 ? (n / total) * 100 : 0)}%`;
  const count = `${n}/${total}`;
  const known = rate !== undefined && rate > 0 && Number.isFinite(rate);
  const clock = `${formatInterval(elapsed)}<${known ? formatInterval((total - n) / rate) : "?"}`;
  const speed = formatRate(known ? rate : undefined, unit);
  const withBar = (stats: string): string | undefined => {
    const room = columns === undefined ? DEFAULT_BAR : columns - percent.length - stats.length - 2;
    return room >= 1 ? `${percent}|${bar(total > 0 ? n / total : 0, room)}|${stats}` : undefined;
  };
  const full = withBar(` ${count} [${clock}, ${speed}]`);
  if (full !== undefined) return full;
  // Narrower than the counters: drop what matters least first, never the count.
  const narrower = [`${percent} ${count} [${clock}, ${speed}]`, `${percent} ${count} [${clock}]`];
  return narrower.find((line) => line.length <= columns!) ?? `${percent} ${count}`;
}

/** tqdm's Bar: full blocks, then one partial block, then blanks; always `width` characters. */
function bar(fraction: number, width: number): string {
  const eighths = Math.floor(Math.min(1, Math.max(0, fraction)) * width * EIGHTHS);
  const whole = Math.floor(eighths / EIGHTHS);
  if (whole >= width) return BLOCKS[EIGHTHS]!.repeat(width);
  return BLOCKS[EIGHTHS]!.repeat(whole) + BLOCKS[eighths % EIGHTHS]! + " ".repeat(width - whole - 1);
}

/** "{:3.0f}": Python rounds a half to even (12.5 gives 12). */
function formatPercent(percent: number): string {
  const floor = Math.floor(percent);
  const rounded = percent - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(percent);
  return String(rounded).padStart(3);
}

/** tqdm's format_interval: whole seconds, truncated; "03:07", or "1:02:03" past an hour. */
export function formatInterval(seconds: number): string {
  const whole = Math.max(0, Math.trunc(seconds));
  const s = whole % 60;
  const m = Math.trunc(whole / 60) % 60;
  const h = Math.trunc(whole / 3600);
  const pad = (value: number): string => String(value).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** " 9.50flags/s"; below one item a second tqdm turns it over: " 2.00s/flags". */
function formatRate(rate: number | undefined, unit: string): string {
  if (rate === undefined) return `?${unit}/s`;
  if (rate < 1) return `${(1 / rate).toFixed(2).padStart(5)}s/${unit}`;
  return `${rate.toFixed(2).padStart(5)}${unit}/s`;
}
