// What the user sees while flags download: a tqdm-like bar on a terminal, one line per code
// with --verbose, or nothing.
import type { Writable } from "node:stream";
import type { FlagResult } from "../flags/flag-result.ts";
import { ProgressBar } from "./progress-bar.ts";
import { verboseLine } from "./report.ts";

export interface ProgressView {
  update(result: FlagResult): void;
  stop(): void;
}

export type ProgressMode = "bar" | "verbose" | "none";

export function createProgressView(mode: ProgressMode, total: number, stream: Writable): ProgressView {
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
  const bar = new ProgressBar(stream, total, { unit: "flags" });
  return {
    // A code cancelled by Ctrl-C was not downloaded: the bar stops where the work stopped.
    update: (result) => {
      if (result.status !== "cancelled") bar.update();
    },
    stop: () => bar.stop(),
  };
}
