// Benchmark of saving flags: 194 saves into a fresh folder, then the same 194 again (a
// re-run, every file already there), with today's saveFlag against the save it replaced
// (five asynchronous steps through libuv's thread pool: open, write, close of a temporary
// file, link, unlink; on a re-run the link fails with EEXIST each time), measured
// interleaved in the same run on the same files.
//
//   npx tsx bench/flag-saves.ts [--runs N]
//
// Numbers, never pass/fail.
import { readFileSync } from "node:fs";
import { link, mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { textTable } from "futures-cli/bench";
import { flagFileName, newTempTag, readCountryCodes, saveFlag } from "futures-cli/flags";
import { DEFAULT_DATA_DIR } from "futures-cli/server";

const DATA = join(DEFAULT_DATA_DIR, "flags");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

const flags = readCountryCodes().map((cc) => {
  const code = cc.toLowerCase();
  return { cc, body: readFileSync(join(DATA, code, `${code}.gif`)) };
});

/** The save this replaced, step for step. */
async function asyncSave(dest: string, cc: string, body: Uint8Array, tempTag: string): Promise<void> {
  const temp = join(dest, `.${flagFileName(cc)}.${tempTag}.tmp`);
  try {
    await writeFile(temp, body, { flag: "wx" });
    await link(temp, join(dest, flagFileName(cc))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await unlink(temp).catch(() => {});
  }
}

type Saver = (dest: string) => Promise<void>;

// As the downloader does it: the saves of one run are in flight together.
const savers: Record<string, Saver> = {
  "async, 5 steps (before)": async (dest) => {
    const tag = newTempTag();
    await Promise.all(flags.map(({ cc, body }) => asyncSave(dest, cc, body, tag)));
  },
  "sync saveFlag (now)": async (dest) => {
    const tag = newTempTag();
    await Promise.all(
      flags.map(async ({ cc, body }) => void saveFlag(dest, cc, body, { overwrite: false, tempTag: tag })),
    );
  },
};

const root = await mkdtemp(join(tmpdir(), "flag-saves-"));
const samples: Record<string, { fresh: number[]; again: number[] }> = {};
for (const name of Object.keys(savers)) samples[name] = { fresh: [], again: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    for (const [name, save] of Object.entries(savers)) {
      const folder = join(root, `${run}-${name.replace(/\W+/g, "-")}`);
      await mkdir(folder);
      let started = performance.now();
      await save(folder);
      samples[name]!.fresh.push(performance.now() - started);
      started = performance.now();
      await save(folder);
      samples[name]!.again.push(performance.now() - started);
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = samples["async, 5 steps (before)"]!;
console.log(`${flags.length} saves per run, ${RUNS} runs interleaved, median ms (ratio: before / now)`);
const rows = Object.entries(samples).map(([name, { fresh, again }]) => [
  name,
  median(fresh).toFixed(1),
  (median(base.fresh) / median(fresh)).toFixed(2) + "x",
  median(again).toFixed(1),
  (median(base.again) / median(again)).toFixed(2) + "x",
]);
for (const line of textTable(["save", "new folder", "speedup", "re-run", "speedup"], rows)) console.log(line);
