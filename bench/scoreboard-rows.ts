// The scoreboard's rows and notes, its progress log, and how a row is measured: ours and its
// peers alternated run by run, so the load of a shared machine falls on all of them alike.
import { execFileSync } from "node:child_process";
import type { Sample } from "./flag-runs.ts";

export interface Row {
  target: string;
  futures: string;
  peer: string;
  peerValue: string;
  /** How futures compares, in the direction of the goal. */
  ratio: string;
  goal: string;
}

export const rows: Row[] = [];
export const notes: string[] = [];

const started = performance.now();
export const elapsedSeconds = () => (performance.now() - started) / 1000;
export const say = (line: string) => console.error(`[${elapsedSeconds().toFixed(0).padStart(3)} s] ${line}`);
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export const installed = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** `runs` alternations of ours and each peer; the median time of each (failed runs say so). */
export async function alternate(runs: number, contenders: (() => Promise<Sample>)[]): Promise<Sample[]> {
  const samples: Sample[][] = contenders.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, once] of contenders.entries()) samples[index]!.push(await once());
  }
  return samples.map((list) => {
    const failed = list.find((sample) => !sample.ok);
    if (failed) return failed;
    const sorted = [...list].sort((a, b) => a.ms - b.ms);
    return sorted[(sorted.length - 1) >> 1]!;
  });
}

export const value = (sample: Sample) =>
  sample.ok ? secs(sample.ms) : `wrong result (${sample.note ?? "see the log"})`;

/** "2.10x faster" or "1.30x slower": the peer's time over ours. */
export const faster = (ours: Sample, peer: Sample) => {
  if (!ours.ok || !peer.ok) return "-";
  const ratio = peer.ms / ours.ms;
  return ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`;
};

/** "1.40x its time": our time over the peer's, for goals that bound how far we are above a floor. */
export const timesIts = (ours: Sample, peer: Sample, what = "its time") =>
  ours.ok && peer.ok ? `${(ours.ms / peer.ms).toFixed(2)}x ${what}` : "-";
