// What every chart of the bench report shares: a narrow frame that reads at phone width
// without scaling its text down much, the title and a legend that wraps above the plot, a
// y axis that fits the medians rather than the wildest run, and min-max whiskers, cut and
// marked where they run past the top of that axis.
import { escapeHtml } from "../common/html-escape.ts";

/** Width of every chart: about a phone's width, so 12 px text stays near 12 px there. */
export const WIDTH = 400;
const PLOT_H = 200;
const BOTTOM = 44;
const RIGHT = 16;
/** Width of one character of the 12 px labels, a little generous. */
const CHAR_WIDTH = 7;
/** The rotated y-axis title is centred on this x. */
const Y_TITLE_X = 14;
const TITLE_GAP = 12;
const TICK_GAP = 6;
const LEGEND_SWATCH = 22;
const LEGEND_ROW = 18;

/** Round tick values (1, 2 or 5 times a power of ten) from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/**
 * Ticks for an axis that shows every value (medians, reference lines) and every whisker top up
 * to `clipFactor` times the largest value. A whisker beyond that is one wild run: it is cut at
 * the top and marked, so that it does not squash every median into the bottom of the chart.
 */
export function axisTicks(
  values: readonly number[],
  whiskerTops: readonly number[],
  clipFactor = 3,
): number[] {
  const largest = Math.max(...values);
  const kept = whiskerTops.filter((top) => top <= largest * clipFactor);
  return niceTicks(Math.max(largest, ...kept));
}

export interface LegendEntry {
  label: string;
  color: string;
  dash?: string | undefined;
}

/** The plot area of one chart and how values map onto it. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  bottom: number;
  height: number;
  yMax: number;
  sy: (y: number) => number;
}

/** The legend's items, placed left to right and wrapped into rows under the title. */
function legendRows(entries: readonly LegendEntry[]): { x: number; row: number; entry: LegendEntry }[] {
  let x = 8;
  let row = 0;
  return entries.map((entry) => {
    const width = LEGEND_SWATCH + 6 + entry.label.length * CHAR_WIDTH;
    if (x > 8 && x + width > WIDTH - RIGHT) {
      x = 8;
      row += 1;
    }
    const placed = { x, row, entry };
    x += width + 16;
    return placed;
  });
}

/** A chart's frame: the title, the legend under it, then the plot, with room left of it for the tick labels. */
export function chartFrame(yTicks: readonly number[], legend: readonly LegendEntry[]): Frame {
  const rows = legend.length === 0 ? 0 : legendRows(legend).at(-1)!.row + 1;
  const top = 36 + rows * LEGEND_ROW;
  const longest = Math.max(...yTicks.map((tick) => String(tick).length));
  const left = Math.ceil(Y_TITLE_X + TITLE_GAP + longest * CHAR_WIDTH + TICK_GAP);
  const yMax = yTicks.at(-1)!;
  const bottom = top + PLOT_H;
  return {
    left,
    top,
    width: WIDTH - left - RIGHT,
    bottom,
    height: bottom + BOTTOM,
    yMax,
    sy: (y) => bottom - (Math.min(y, yMax) / yMax) * PLOT_H,
  };
}

/** The SVG element: it scales to its container's width (the page sets width: 100%). */
export function svg(title: string, frame: Frame, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${frame.height}" width="${WIDTH}" height="${frame.height}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui, sans-serif" font-size="12">\n${parts.join("\n")}\n</svg>`;
}

/** Title, legend, both axes with their titles, and the horizontal grid with its tick labels. */
export function chrome(
  title: string,
  xLabel: string,
  yLabel: string,
  yTicks: readonly number[],
  legend: readonly LegendEntry[],
  frame: Frame,
): string[] {
  const { left, top, width, bottom } = frame;
  return [
    `<text x="8" y="20" font-size="15" font-weight="600">${escapeHtml(title)}</text>`,
    ...legendRows(legend).map(({ x, row, entry }) => legendItem(x, 40 + row * LEGEND_ROW, entry)),
    ...yTicks.map((value) => gridLine(frame, value)),
    `<line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${left + width / 2}" y="${frame.height - 8}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text class="y-title" transform="translate(${Y_TITLE_X} ${top + (bottom - top) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  ];
}

function gridLine({ left, width, sy }: Frame, value: number): string {
  const y = sy(value).toFixed(1);
  return (
    `<line x1="${left}" y1="${y}" x2="${left + width}" y2="${y}" stroke="#ddd"/>` +
    `<text class="y-tick" x="${left - TICK_GAP}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">${value}</text>`
  );
}

function legendItem(x: number, y: number, { label, color, dash }: LegendEntry): string {
  const dashed = dash ? ` stroke-dasharray="${dash}"` : "";
  return (
    `<g class="legend"><line x1="${x}" y1="${y - 4}" x2="${x + LEGEND_SWATCH}" y2="${y - 4}" stroke="${color}" stroke-width="3"${dashed}/>` +
    `<text x="${x + LEGEND_SWATCH + 6}" y="${y}">${escapeHtml(label)}</text></g>`
  );
}

/**
 * A vertical min-max line with caps `halfWidth` either side. A whisker whose top is past the
 * axis stops at the top of the plot and ends in a triangle pointing up instead of a cap.
 */
export function whisker(
  frame: Frame,
  x: number,
  [low, high]: readonly [number, number],
  color: string,
  halfWidth = 4,
): string {
  const cap = (y: number) =>
    `<line x1="${(x - halfWidth).toFixed(1)}" y1="${y.toFixed(1)}" x2="${(x + halfWidth).toFixed(1)}" y2="${y.toFixed(1)}"/>`;
  const clipped = high > frame.yMax;
  const yLow = frame.sy(low);
  const yHigh = frame.sy(high);
  const end = clipped
    ? `<path class="clipped" fill="${color}" d="M${(x - halfWidth).toFixed(1)},${(yHigh + 7).toFixed(1)} L${x.toFixed(1)},${(yHigh - 1).toFixed(1)} L${(x + halfWidth).toFixed(1)},${(yHigh + 7).toFixed(1)} Z"/>`
    : cap(yHigh);
  return (
    `<g class="whisker" stroke="${color}" stroke-width="1.5">` +
    `<line x1="${x.toFixed(1)}" y1="${yLow.toFixed(1)}" x2="${x.toFixed(1)}" y2="${yHigh.toFixed(1)}"/>` +
    cap(yLow) +
    end +
    `</g>`
  );
}

/** "(runs: 0.46 to 5.36)", for the tooltip of a point or bar. */
export function runsText(range: readonly [number, number] | undefined): string {
  return range ? ` (runs: ${range[0].toFixed(2)} to ${range[1].toFixed(2)})` : "";
}
