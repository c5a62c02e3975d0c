// Small self-drawn SVG charts for the bench report: lines over a numeric x axis, and grouped bars.
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LineSeries {
  name: string;
  color: string;
  dash?: string | undefined;
  points: readonly (readonly [number, number])[];
}

export interface Bar {
  label: string;
  value: number;
  color: string;
}

export interface BarGroup {
  label: string;
  bars: readonly Bar[];
}

const WIDTH = 580;
const HEIGHT = 340;
const MARGIN = { top: 36, right: 180, bottom: 48, left: 56 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

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

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly LineSeries[],
): string {
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yTicks = niceTicks(Math.max(...series.flatMap((s) => s.points.map(([, y]) => y))));
  const yMax = yTicks.at(-1)!;
  const sx = (x: number) =>
    MARGIN.left + (xMax === xMin ? PLOT_W / 2 : ((x - xMin) / (xMax - xMin)) * PLOT_W);
  const sy = (y: number) => MARGIN.top + PLOT_H - (y / yMax) * PLOT_H;
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  const parts = [
    frame(title, xLabel, yLabel),
    ...yTicks.map((y) => gridLine(sy(y), String(y))),
    ...xTicks.map(
      (x) => `<text x="${sx(x)}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${x}</text>`,
    ),
  ];
  series.forEach((s, index) => {
    const path = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${path}"/>`);
    for (const [x, y] of s.points) {
      parts.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeXml(s.name)}: ${y.toFixed(2)} at ${x}</title></circle>`,
      );
    }
    parts.push(legendItem(index, s.name, s.color, s.dash));
  });
  return svg(title, parts);
}

export function barChart(title: string, yLabel: string, groups: readonly BarGroup[], unit: string): string {
  const yTicks = niceTicks(Math.max(...groups.flatMap((g) => g.bars.map((b) => b.value))));
  const yMax = yTicks.at(-1)!;
  const sy = (y: number) => MARGIN.top + PLOT_H - (y / yMax) * PLOT_H;
  const groupWidth = PLOT_W / groups.length;
  const parts = [frame(title, "", yLabel), ...yTicks.map((y) => gridLine(sy(y), String(y)))];
  const legend = new Map<string, string>();
  groups.forEach((group, g) => {
    const barWidth = (groupWidth * 0.8) / group.bars.length;
    const x0 = MARGIN.left + g * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar, b) => {
      const x = x0 + b * barWidth;
      const y = sy(bar.value);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(MARGIN.top + PLOT_H - y).toFixed(1)}" fill="${bar.color}"><title>${escapeXml(`${group.label}, ${bar.label}: ${bar.value.toFixed(2)} ${unit}`)}</title></rect>`,
      );
      legend.set(bar.label, bar.color);
    });
    parts.push(
      `<text x="${(x0 + groupWidth * 0.4).toFixed(1)}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  [...legend].forEach(([label, color], index) => parts.push(legendItem(index, label, color)));
  return svg(title, parts);
}

function svg(title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="12">\n${parts.join("\n")}\n</svg>`;
}

function frame(title: string, xLabel: string, yLabel: string): string {
  const bottom = MARGIN.top + PLOT_H;
  return [
    `<text x="${MARGIN.left}" y="20" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${MARGIN.left + PLOT_W}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ].join("\n");
}

function gridLine(y: number, label: string): string {
  return (
    `<line x1="${MARGIN.left}" y1="${y.toFixed(1)}" x2="${MARGIN.left + PLOT_W}" y2="${y.toFixed(1)}" stroke="#ddd"/>` +
    `<text x="${MARGIN.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${label}</text>`
  );
}

function legendItem(index: number, label: string, color: string, dash?: string): string {
  const x = MARGIN.left + PLOT_W + 16;
  const y = MARGIN.top + 8 + index * 20;
  const dashed = dash ? ` stroke-dasharray="${dash}"` : "";
  return (
    `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${color}" stroke-width="3"${dashed}/>` +
    `<text x="${x + 30}" y="${y + 4}">${escapeXml(label)}</text>`
  );
}
