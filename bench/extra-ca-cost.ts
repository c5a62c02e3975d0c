// What NODE_EXTRA_CA_CERTS costs every Node process at start: Node 20 reads and parses the
// whole file before running any code, so where it names a full bundle (as some machines set
// it machine-wide), each pool child pays it too. Timed as `node -e 0` with and without it,
// run by run in turn; undefined when it is not set.
import { median } from "futures-cli/bench";
import { timeCommand } from "./flag-runs.ts";

export interface ExtraCaCost {
  file: string;
  withMs: number;
  withoutMs: number;
}

/** `node -e 0`, timed whole; an undefined variable is left out of the child's environment. */
const nodeStart = async (env: NodeJS.ProcessEnv): Promise<number> =>
  (await timeCommand(process.execPath, ["-e", "0"], env)).ms;

export async function measureExtraCaCost(runs: number): Promise<ExtraCaCost | undefined> {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  const withTimes: number[] = [];
  const withoutTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    withTimes.push(await nodeStart({}));
    withoutTimes.push(await nodeStart({ NODE_EXTRA_CA_CERTS: undefined }));
  }
  return { file, withMs: median(withTimes), withoutMs: median(withoutTimes) };
}

export const describeExtraCaCost = ({ file, withMs, withoutMs }: ExtraCaCost) =>
  `NODE_EXTRA_CA_CERTS=${file} is set: node -e 0 takes ${withMs.toFixed(0)} ms with it, ` +
  `${withoutMs.toFixed(0)} ms without; every Node process (each pool child, each CLI run) pays the difference at start.`;
