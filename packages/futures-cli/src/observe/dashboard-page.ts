// The dashboard's page: one HTML file with its style and script inline (it works offline,
// no CDN), drawn as SVG by a few lines of our own: a lane per worker, a bar per call coloured
// by outcome, the counts, progress, calls per second and each worker's share of time busy.
// It reads the server's updates as server-sent events; once the run is over it keeps the
// last picture. The page holds at most MAX_BARS bars and draws the last minute at most.
import { escapeHtml } from "../common/html-escape.ts";
import { MAX_BARS } from "./call-board.ts";
import { pageShell } from "./page-shell.ts";

export function dashboardPage(command: string): string {
  const title = escapeHtml(command);
  return pageShell(`${command} · futures dashboard`, {
    style: `
  #state { font-weight: normal; color: #666; }
  progress { width: 100%; height: 12px; margin: 8px 0; }
  .bar.ok { fill: #3a7bd5; }
  .bar.failed { fill: #d5453a; }
  .bar.running { fill: #9bbbe8; }
  #workers { columns: 2 280px; padding: 0; list-style: none; }
  #workers li { margin: 2px 0; }
  .util { display: inline-block; width: 80px; height: 8px; background: #eee; margin: 0 6px; }
  .util i { display: block; height: 100%; background: #3a7bd5; }`,
    body: `<h1>${title} <span id="state">connecting…</span></h1>
<div class="counts">
  <span>submitted <b id="submitted">0</b></span>
  <span>running <b id="running">0</b></span>
  <span>done <b id="done">0</b></span>
  <span>failed <b id="failed">0</b></span>
  <span>cancelled <b id="cancelled">0</b></span>
  <span><b id="rate">0</b> calls/s</span>
  <span>elapsed <b id="elapsed">0.0</b> s</span>
</div>
<progress id="progress" value="0" max="1"></progress>
<svg id="stream" role="img" aria-label="calls on each worker over time"></svg>
<h2>Workers</h2>
<ul id="workers"></ul>`,
    script: `const MAX_BARS = ${MAX_BARS}, WINDOW_MS = 60000, LANE_H = 18, LABEL_W = 170, WIDTH = 1000;
let bars = [], lanes = [], running = [], elapsed = 0;

function draw() {
  const from = Math.max(0, elapsed - WINDOW_MS), span = Math.max(1000, elapsed - from);
  const x = (ms) => LABEL_W + ((ms - from) / span) * (WIDTH - LABEL_W - 4);
  const rows = lanes.map((lane, i) =>
    '<g class="lane" data-lane="' + esc(lane.name) + '"><text x="4" y="' + (i * LANE_H + 12) + '">' +
    esc(lane.name) + "</text></g>");
  const rects = lanes.map(() => []);
  for (const [lane, start, end, ok] of bars) {
    if (end < from || !rects[lane]) continue;
    const left = x(Math.max(start, from));
    rects[lane].push('<rect class="bar ' + (ok ? "ok" : "failed") + '" x="' + left.toFixed(1) + '" y="' +
      (lane * LANE_H + 2) + '" width="' + Math.max(1, x(end) - left).toFixed(1) + '" height="' + (LANE_H - 4) + '"/>');
  }
  for (const [lane, start] of running) {
    if (!rects[lane]) continue;
    const left = x(Math.max(start, from));
    rects[lane].push('<rect class="bar running" x="' + left.toFixed(1) + '" y="' + (lane * LANE_H + 2) +
      '" width="' + Math.max(1, x(elapsed) - left).toFixed(1) + '" height="' + (LANE_H - 4) + '"/>');
  }
  // A time axis under the lanes: seconds since the run started, at round steps.
  const height = lanes.length * LANE_H, step = [1, 2, 5, 10, 15, 30, 60].find((s) => span / (s * 1000) <= 8) || 60;
  const ticks = [];
  for (let t = Math.ceil(from / (step * 1000)) * step; t * 1000 <= from + span; t += step)
    ticks.push('<text x="' + x(t * 1000).toFixed(1) + '" y="' + (height + 12) + '" text-anchor="middle">' + t + " s</text>");
  const svg = $("stream");
  svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + (height + 16));
  svg.innerHTML = rows.map((row, i) => row.replace("</g>", rects[i].join("") + "</g>")).join("") +
    '<g class="axis">' + ticks.join("") + "</g>";
}

function show(update) {
  if (update.reset) bars = [];
  bars.push(...update.bars);
  if (bars.length > MAX_BARS) bars = bars.slice(-MAX_BARS);
  lanes = update.lanes; running = update.running; elapsed = update.elapsedMs;
  const c = update.counts;
  for (const name of ["submitted", "running", "done", "failed", "cancelled"]) $(name).textContent = c[name];
  $("rate").textContent = update.perSecond;
  $("elapsed").textContent = (elapsed / 1000).toFixed(1);
  $("progress").max = Math.max(1, c.submitted);
  $("progress").value = c.done + c.failed + c.cancelled;
  $("workers").innerHTML = lanes.map((lane) =>
    '<li data-worker="' + esc(lane.name) + '"><span class="util"><i style="width:' +
    Math.round(lane.utilisation * 100) + '%"></i></span><b>' + Math.round(lane.utilisation * 100) +
    "%</b> " + esc(lane.name) + " · " + lane.calls + " calls</li>").join("");
  draw();
  document.body.dataset.state = update.finished ? "finished" : "running";
  $("state").textContent = update.finished ? "· finished" : "· running";
}

const source = new EventSource("events");
source.onmessage = (event) => {
  const update = JSON.parse(event.data);
  show(update);
  if (update.finished) source.close();
};
source.onerror = () => {
  if (document.body.dataset.state === "finished") return;
  document.body.dataset.state = "disconnected";
  $("state").textContent = "· the command has ended";
  source.close();
};`,
  });
}
