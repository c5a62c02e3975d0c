// Small self-drawn SVG charts for the bench report: lines over a numeric x axis, and grouped
// bars. Every point and bar may carry the min-max range of its runs, drawn as a whisker.
import { escapeHtml } from "../common/html-escape.ts";

export interface Point {
  x: number;
  y: number;
  /** The lowest and highest value the runs gave, drawn as a whisker. */
  range?: readonly [number, number] | undefined;
}

export interface LineSeries {
  name: string;
  color: string;
  dash?: string | undefined;
  points: readonly Point[];
}

export interface Bar {
  label: string;
  value: number;
  range?: readonly [number, number] | undefined;
  color: string;
}

export interface BarGroup {
  label: string;
  bars: readonly Bar[];
}

const WIDTH = 580;
const HEIGHT = 340;
const TOP = 36;
const RIGHT = 180;
const BOTTOM = 48;
const PLOT_H = HEIGHT - TOP - BOTTOM;
/** Width of one character of the 12 px tick labels, a little generous. */
const CHAR_WIDTH = 7.5;
/** The rotated y-axis title is centred on this x. */
const Y_TITLE_X = 16;
const TITLE_GAP = 14;
const TICK_GAP = 6;

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

/** The plot area of one chart: its left edge leaves room for the longest tick label and the axis title. */
interface Frame {
  left: number;
  width: number;
  yMax: number;
  sy: (y: number) => number;
}

function frameFor(yTicks: readonly number[]): Frame {
  const longest = Math.max(...yTicks.map((tick) => String(tick).length));
  const left = Math.ceil(Y_TITLE_X + TITLE_GAP + longest * CHAR_WIDTH + TICK_GAP);
  const yMax = yTicks.at(-1)!;
  return { left, width: WIDTH - left - RIGHT, yMax, sy: (y) => TOP + PLOT_H - (y / yMax) * PLOT_H };
}

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly LineSeries[],
): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yTicks = niceTicks(Math.max(...series.flatMap((s) => s.points.map((p) => p.range?.[1] ?? p.y))));
  const frame = frameFor(yTicks);
  const sx = (x: number) =>
    frame.left + (xMax === xMin ? frame.width / 2 : ((x - xMin) / (xMax - xMin)) * frame.width);
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  const parts = [
    axes(title, xLabel, yLabel, frame),
    ...yTicks.map((y) => gridLine(frame, y)),
    ...xTicks.map((x) => `<text x="${sx(x)}" y="${TOP + PLOT_H + 18}" text-anchor="middle">${x}</text>`),
  ];
  series.forEach((s, index) => {
    const path = s.points.map((p) => `${sx(p.x).toFixed(1)},${frame.sy(p.y).toFixed(1)}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${path}"/>`);
    // Whiskers of series that meet at one x are spread a few pixels apart, so each stays visible.
    const nudge = (index - (series.length - 1) / 2) * 3;
    for (const p of s.points) {
      const cx = sx(p.x);
      if (p.range) parts.push(whisker(cx + nudge, frame.sy(p.range[0]), frame.sy(p.range[1]), s.color));
      const spread = p.range ? ` (runs: ${p.range[0].toFixed(2)} to ${p.range[1].toFixed(2)})` : "";
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${frame.sy(p.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeHtml(`${s.name}: ${p.y.toFixed(2)} at ${p.x}${spread}`)}</title></circle>`,
      );
    }
    parts.push(legendItem(index, s.name, s.color, s.dash));
  });
  return svg(title, parts);
}

export function barChart(title: string, yLabel: string, groups: readonly BarGroup[], unit: string): string {
  const yTicks = niceTicks(Math.max(...groups.flatMap((g) => g.bars.map((b) => b.range?.[1] ?? b.value))));
  const frame = frameFor(yTicks);
  const groupWidth = frame.width / groups.length;
  const parts = [axes(title, "", yLabel, frame), ...yTicks.map((y) => gridLine(frame, y))];
  const legend = new Map<string, string>();
  groups.forEach((group, g) => {
    const barWidth = (groupWidth * 0.8) / group.bars.length;
    const x0 = frame.left + g * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar, b) => {
      const x = x0 + b * barWidth;
      const y = frame.sy(bar.value);
      const spread = bar.range ? ` (runs: ${bar.range[0].toFixed(2)} to ${bar.range[1].toFixed(2)})` : "";
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(TOP + PLOT_H - y).toFixed(1)}" fill="${bar.color}"><title>${escapeHtml(`${group.label}, ${bar.label}: ${bar.value.toFixed(2)} ${unit}${spread}`)}</title></rect>`,
      );
      if (bar.range)
        parts.push(whisker(x + (barWidth - 2) / 2, frame.sy(bar.range[0]), frame.sy(bar.range[1]), "#222"));
      legend.set(bar.label, bar.color);
    });
    parts.push(
      `<text x="${(x0 + groupWidth * 0.4).toFixed(1)}" y="${TOP + PLOT_H + 18}" text-anchor="middle">${escapeHtml(group.label)}</text>`,
    );
  });
  [...legend].forEach(([label, color], index) => parts.push(legendItem(index, label, color)));
  return svg(title, parts);
}

function svg(title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui, sans-serif" font-size="12">\n${parts.join("\n")}\n</svg>`;
}

function axes(title: string, xLabel: string, yLabel: string, { left, width }: Frame): string {
  const bottom = TOP + PLOT_H;
  return [
    `<text x="${left}" y="20" font-size="15" font-weight="600">${escapeHtml(title)}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${TOP}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${left + width / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text class="y-title" transform="translate(${Y_TITLE_X} ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  ].join("\n");
}

function gridLine({ left, width, sy }: Frame, value: number): string {
  const y = sy(value).toFixed(1);
  return (
    `<line x1="${left}" y1="${y}" x2="${left + width}" y2="${y}" stroke="#ddd"/>` +
    `<text class="y-tick" x="${left - TICK_GAP}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">${value}</text>`
  );
}

/** A vertical min-max line with caps. */
function whisker(x: number, yLow: number, yHigh: number, color: string): string {
  const cap = (y: number) =>
    `<line x1="${(x - 4).toFixed(1)}" y1="${y.toFixed(1)}" x2="${(x + 4).toFixed(1)}" y2="${y.toFixed(1)}"/>`;
  return (
    `<g class="whisker" stroke="${color}" stroke-width="1.5">` +
    `<line x1="${x.toFixed(1)}" y1="${yLow.toFixed(1)}" x2="${x.toFixed(1)}" y2="${yHigh.toFixed(1)}"/>` +
    cap(yLow) +
    cap(yHigh) +
    `</g>`
  );
}

function legendItem(index: number, label: string, color: string, dash?: string): string {
  const x = WIDTH - RIGHT + 16;
  const y = TOP + 8 + index * 20;
  const dashed = dash ? ` stroke-dasharray="${dash}"` : "";
  return (
    `<g class="legend"><line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${color}" stroke-width="3"${dashed}/>` +
    `<text x="${x + 30}" y="${y + 4}">${escapeHtml(label)}</text></g>`
  );
}
