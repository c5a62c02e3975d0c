// What the user sees while flags download: a tqdm-like bar on a terminal, one line per code
// with --verbose, or nothing.
import type { Params } from "cli-progress";
import type { Writable } from "node:stream";
import type { FlagResult } from "./flag-result.ts";
import { verboseLine } from "./report.ts";

export interface ProgressView {
  update(result: FlagResult): void;
  stop(): void;
}

export type ProgressMode = "bar" | "verbose" | "none";

export async function createProgressView(
  mode: ProgressMode,
  total: number,
  stream: Writable,
): Promise<ProgressView> {
  if (mode === "verbose") {
    return {
      update: (result) => {
        const line = verboseLine(result);
        if (line) stream.write(`${line}\n`);
      },
      stop: () => {},
    };
  }
  if (mode === "none") return { update: () => {}, stop: () => {} };
  // Loaded only when a terminal will show it.
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar({
    stream,
    format: (_options, params) => tqdmLine(params),
    fps: 12,
  });
  bar.start(total, 0);
  return {
    update: () => bar.increment(),
    stop: () => bar.stop(),
  };
}

const BAR_WIDTH = 30;

// " 45%|█████████████            | 305/676 [00:01<00:01, 301.52 flags/s]", as tqdm draws it.
function tqdmLine(params: Params): string {
  const elapsed = ((params.stopTime ?? Date.now()) - params.startTime) / 1000;
  const rate = elapsed > 0 ? params.value / elapsed : 0;
  const remaining = rate > 0 ? (params.total - params.value) / rate : undefined;
  const filled = Math.round(params.progress * BAR_WIDTH);
  const bar = "\u2588".repeat(filled) + " ".repeat(BAR_WIDTH - filled);
  const percent = `${Math.floor(params.progress * 100)}`.padStart(3);
  const rateText = rate > 0 ? `${rate.toFixed(2)} flags/s` : "? flags/s";
  return `${percent}%|${bar}| ${params.value}/${params.total} [${clock(elapsed)}<${remaining === undefined ? "?" : clock(remaining)}, ${rateText}]`;
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  const mm = String(Math.floor(whole / 60)).padStart(2, "0");
  const ss = String(whole % 60).padStart(2, "0");
  return `${mm}:${ss}`;
}
