// The page of `futures dashboard --queue`: one HTML file, style and script inline (works
// offline), drawn as SVG by a few lines of our own: a lane per worker on every host, with a
// column per second whose height is the share of its slots busy, the job counts, jobs per
// second and what needs attention. Updates arrive as server-sent events once a second.
import { escapeHtml } from "../common/html-escape.ts";
import { HISTORY } from "./queue-board.ts";
import { pageShell } from "./page-shell.ts";

export function queuePage(queue: string): string {
  const title = `futures dashboard · queue ${queue}`;
  return pageShell(title, {
    style: `
  #error { color: #b3261e; }
  #findings li { color: #8a5300; }
  .lane.silent text { fill: #b3261e; }
  .busy { fill: #3a7bd5; }`,
    body: `<h1>${escapeHtml(title)}</h1>
<p id="redis"></p>
<p id="error"></p>
<div class="counts">
  <span>live workers <b id="live">0</b></span>
  <span>waiting <b id="waiting">0</b></span>
  <span>active <b id="active">0</b></span>
  <span>completed <b id="completed">0</b></span>
  <span>failed <b id="failed">0</b></span>
  <span><b id="rate">0</b> jobs/s (last minute)</span>
</div>
<svg id="stream" role="img" aria-label="share of each worker's slots busy, a column per second"></svg>
<ul id="findings"></ul>`,
    script: `const HISTORY = ${HISTORY}, LANE_H = 22, LABEL_W = 330, WIDTH = 1000;

function show(update) {
  $("redis").textContent = "Redis " + update.redis;
  $("error").textContent = update.error ? "cannot read the queue: " + update.error : "";
  const counts = update.counts || {};
  for (const name of ["waiting", "active", "completed", "failed"]) $(name).textContent = counts[name] ?? "?";
  $("rate").textContent = update.jobsPerSecond.toFixed(1);
  $("live").textContent = update.workers.filter((worker) => worker.live).length;
  const column = (WIDTH - LABEL_W - 4) / HISTORY;
  const lanes = update.workers.map((worker, i) => {
    const top = i * LANE_H, offset = HISTORY - worker.busy.length;
    const columns = worker.busy.map((share, j) => share === null ? "" :
      '<rect class="busy" x="' + (LABEL_W + (offset + j) * column).toFixed(1) + '" y="' +
      (top + 2 + (1 - share) * (LANE_H - 4)).toFixed(1) + '" width="' + Math.max(1, column - 1).toFixed(1) +
      '" height="' + Math.max(share > 0 ? 1 : 0, share * (LANE_H - 4)).toFixed(1) + '"/>').join("");
    return '<g class="lane ' + (worker.live ? "live" : "silent") + '" data-worker="' + esc(worker.name) +
      '" data-finished="' + worker.finishedLastMinute + '"><text x="4" y="' + (top + 15) + '">' +
      esc(worker.name) + " · " + worker.running + "/" + worker.concurrency + " busy · " +
      worker.finishedLastMinute + " done/min" + (worker.live ? "" : " · silent") + "</text>" + columns + "</g>";
  });
  const height = update.workers.length * LANE_H;
  const axis = [0, 30, 60, 90, 120].map((ago) => '<text x="' + (LABEL_W + (HISTORY - ago) * column).toFixed(1) +
    '" y="' + (height + 12) + '" text-anchor="' + (ago === 0 ? "end" : "middle") + '">' + (ago === 0 ? "now" : "-" + ago + " s") + "</text>");
  $("stream").setAttribute("viewBox", "0 0 " + WIDTH + " " + (height + 16));
  $("stream").innerHTML = lanes.join("") + '<g class="axis">' + axis.join("") + "</g>";
  $("findings").innerHTML = update.findings.map((line) => "<li>" + esc(line) + "</li>").join("");
  document.body.dataset.state = "live";
}

const source = new EventSource("events");
source.onmessage = (event) => show(JSON.parse(event.data));
source.onerror = () => {
  document.body.dataset.state = "disconnected";
  $("error").textContent = "the dashboard command has stopped";
  source.close();
};`,
  });
}
