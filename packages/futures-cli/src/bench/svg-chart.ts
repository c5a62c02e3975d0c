// Small self-drawn SVG charts for the bench report: lines over a numeric x axis, and grouped
// bars. Every point and bar may carry the min-max range of its runs, drawn as a whisker; the
// series of a line chart are set side by side around each x, so their whiskers never overlap.
import { escapeHtml } from "../common/html-escape.ts";
import { axisTicks, chartFrame, chrome, runsText, svg, whisker, type LegendEntry } from "./svg-frame.ts";

export { axisTicks, niceTicks } from "./svg-frame.ts";

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
  /** A line to read the others against (the ideal speedup): no dots, not set aside. */
  reference?: boolean | undefined;
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

/** The widest offset between two series at one x, in pixels. */
const MAX_SLOT = 12;

/** The y-axis ticks a line chart of these series would pick; charts meant to be compared share them. */
export function lineTicks(series: readonly LineSeries[], clipFactor?: number): number[] {
  const points = series.flatMap((s) => s.points);
  return axisTicks(
    points.map((p) => p.y),
    points.map((p) => p.range?.[1] ?? p.y),
    clipFactor,
  );
}

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly LineSeries[],
  { yTicks = lineTicks(series) }: { yTicks?: readonly number[] } = {},
): string {
  const legend: LegendEntry[] = series.map((s) => ({ label: s.name, color: s.color, dash: s.dash }));
  const frame = chartFrame(yTicks, legend);
  const xTicks = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const xMin = xTicks[0]!;
  const xMax = xTicks.at(-1)!;
  const dodged = series.filter((s) => !s.reference);
  // Room either side so that the outer series at the first and last x stay inside the plot.
  const pad = (dodged.length * MAX_SLOT) / 2 + 6;
  const sx = (x: number) =>
    frame.left +
    pad +
    (xMax === xMin ? (frame.width - 2 * pad) / 2 : ((x - xMin) / (xMax - xMin)) * (frame.width - 2 * pad));
  const step = xTicks.length > 1 ? (frame.width - 2 * pad) / (xTicks.length - 1) : frame.width;
  // The series share 80% of the distance between two x ticks, one slot each.
  const slot = Math.min(MAX_SLOT, (step * 0.8) / Math.max(1, dodged.length));
  const capHalf = Math.min(4, slot * 0.35);
  const radius = Math.min(3.5, slot * 0.4);
  const parts = chrome(title, xLabel, yLabel, yTicks, legend, frame);
  parts.push(
    ...xTicks.map(
      (x) => `<text x="${sx(x).toFixed(1)}" y="${frame.bottom + 18}" text-anchor="middle">${x}</text>`,
    ),
  );
  for (const s of series) {
    const index = dodged.indexOf(s);
    const offset = s.reference ? 0 : (index - (dodged.length - 1) / 2) * slot;
    const at = (p: Point) => [sx(p.x) + offset, frame.sy(p.y)] as const;
    const path = s.points
      .map((p) =>
        at(p)
          .map((v) => v.toFixed(1))
          .join(","),
      )
      .join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${path}"/>`);
    if (s.reference) continue;
    for (const p of s.points) {
      const [cx, cy] = at(p);
      if (p.range) parts.push(whisker(frame, cx, p.range, s.color, capHalf));
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${radius.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${s.name}: ${p.y.toFixed(2)} at ${p.x}${runsText(p.range)}`)}</title></circle>`,
      );
    }
  }
  return svg(title, frame, parts);
}

export interface BarChartOptions {
  /** A legend of the bars' labels (default); off where each group holds one bar. */
  legend?: boolean;
  /** Write the value of a group's only bar under the group's name, formatted so. */
  valueLabel?: ((value: number) => string) | undefined;
}

export function barChart(
  title: string,
  yLabel: string,
  groups: readonly BarGroup[],
  unit: string,
  { legend: showLegend = true, valueLabel }: BarChartOptions = {},
): string {
  const bars = groups.flatMap((g) => g.bars);
  const yTicks = axisTicks(
    bars.map((b) => b.value),
    bars.map((b) => b.range?.[1] ?? b.value),
  );
  const legend = new Map<string, string>();
  for (const bar of bars) legend.set(bar.label, bar.color);
  const entries = showLegend ? [...legend].map(([label, color]) => ({ label, color })) : [];
  const frame = chartFrame(yTicks, entries);
  const groupWidth = frame.width / groups.length;
  const parts = chrome(title, "", yLabel, yTicks, entries, frame);
  groups.forEach((group, g) => {
    const barWidth = (groupWidth * 0.8) / group.bars.length;
    const x0 = frame.left + g * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar, b) => {
      const x = x0 + b * barWidth;
      const y = frame.sy(bar.value);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(frame.bottom - y).toFixed(1)}" fill="${bar.color}"><title>${escapeHtml(`${group.label}, ${bar.label}: ${bar.value.toFixed(2)} ${unit}${runsText(bar.range)}`)}</title></rect>`,
      );
      if (bar.range) parts.push(whisker(frame, x + (barWidth - 2) / 2, bar.range, "#222"));
    });
    const middle = (x0 + groupWidth * 0.4).toFixed(1);
    parts.push(
      `<text x="${middle}" y="${frame.bottom + 18}" text-anchor="middle">${escapeHtml(group.label)}</text>`,
    );
    // Under the group's name, where no whisker or neighbour can cover it.
    if (valueLabel && group.bars.length === 1)
      parts.push(
        `<text class="value" x="${middle}" y="${frame.bottom + 33}" text-anchor="middle" font-weight="600">${escapeHtml(valueLabel(group.bars[0]!.value))}</text>`,
      );
  });
  return svg(title, frame, parts);
}
