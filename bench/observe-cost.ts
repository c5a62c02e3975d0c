// What seeing the calls costs: 100k no-op submits, awaited in windows of 100, on each executor
// with nobody listening to the library's tracing events, with `--trace`'s recorder (every
// call kept as a span) and with `--dashboard`'s board (counts, lanes, the last bars), the
// three alternated run by run on the same pool. Calls per second, median of RUNS, and the ratio
// to nobody listening.
// Run: npx tsx bench/observe-cost.ts [tasks]
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from "concurrent-futures";
import { median, textTable } from "futures-cli/bench";
import { CallBoard } from "../packages/futures-cli/src/observe/call-board.ts";
import { CallRecorder } from "../packages/futures-cli/src/observe/call-recorder.ts";
import { noop } from "./workers/tasks.ts";

const TASKS = Number(process.argv[2] ?? 100_000);
const RUNS = 5;
const WINDOW = 100;

async function calls(executor: Executor, n: number): Promise<number> {
  const started = performance.now();
  for (let done = 0; done < n; done += WINDOW) {
    await Promise.all(Array.from({ length: Math.min(WINDOW, n - done) }, () => executor.submit(noop)));
  }
  return (n * 1000) / (performance.now() - started);
}

const modes = {
  "nobody listening": () => undefined,
  "--trace recorder": () => new CallRecorder(),
  "--dashboard board": () => new CallRecorder({ keep: false, listener: new CallBoard() }),
};
const rows: string[][] = [];
for (const [kind, make] of [
  ["AsyncExecutor", () => new AsyncExecutor({ maxWorkers: 100 })],
  ["ThreadPoolExecutor (2)", () => new ThreadPoolExecutor({ maxWorkers: 2 })],
  ["ProcessPoolExecutor (2)", () => new ProcessPoolExecutor({ maxWorkers: 2 })],
] as const) {
  const executor = make();
  await calls(executor, 10_000); // warm
  const rates = new Map<string, number[]>(Object.keys(modes).map((mode) => [mode, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [mode, recorderOf] of Object.entries(modes)) {
      const recorder = recorderOf();
      recorder?.start();
      rates.get(mode)!.push(await calls(executor, TASKS));
      recorder?.stop();
    }
  }
  await executor.shutdown();
  const base = median(rates.get("nobody listening")!);
  for (const [mode, values] of rates) {
    const rate = median(values);
    rows.push([kind, mode, String(Math.round(rate)), (rate / base).toFixed(2)]);
  }
}
console.log(`${TASKS} no-op calls per run, windows of ${WINDOW}, median of ${RUNS} alternated runs`);
for (const line of textTable(["executor", "events read by", "calls/s", "÷ nobody"], rows)) console.log(line);
