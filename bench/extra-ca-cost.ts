// What NODE_EXTRA_CA_CERTS costs every Node process at start: Node 20 reads and parses the
// whole file before running any code, so where it names a full bundle (as some machines set
// it machine-wide), each pool child pays it too. Timed as `node -e 0` with and without it,
// run by run in turn; undefined when it is not set.
import { execFile } from "node:child_process";
import { median } from "futures-cli/bench";

export interface ExtraCaCost {
  file: string;
  withMs: number;
  withoutMs: number;
}

function nodeStart(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ["-e", "0"], { env, timeout: 30_000 }, (error) =>
      error ? reject(error) : resolve(performance.now() - started),
    ),
  );
}

export async function measureExtraCaCost(runs: number): Promise<ExtraCaCost | undefined> {
  const { NODE_EXTRA_CA_CERTS: file, ...without } = process.env;
  if (!file) return undefined;
  const withTimes: number[] = [];
  const withoutTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    withTimes.push(await nodeStart(process.env));
    withoutTimes.push(await nodeStart(without));
  }
  return { file, withMs: median(withTimes), withoutMs: median(withoutTimes) };
}

export const describeExtraCaCost = ({ file, withMs, withoutMs }: ExtraCaCost) =>
  `NODE_EXTRA_CA_CERTS=${file} is set: node -e 0 takes ${withMs.toFixed(0)} ms with it, ` +
  `${withoutMs.toFixed(0)} ms without; every Node process (each pool child, each CLI run) pays the difference at start.`;
