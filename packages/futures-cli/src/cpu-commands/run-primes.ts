// `futures primes`: the 2nd edition's prime checks on a pool, each printed as it finishes.
import { asCompleted } from "concurrent-futures";
import { DEFAULT_CPU_EXECUTOR, EXECUTORS, type CpuExecutorName } from "../executors/catalogue.ts";
import { closeExecutor, createExecutor } from "../executors/create.ts";
import { terminateOnSignal } from "../executors/interrupt.ts";
import { checkPrime, type PrimeResult } from "../cpu/prime-job.ts";
import { PRIME_NUMBERS } from "../cpu/primes.ts";
import type { Print } from "./suite.ts";
import { describeWorkers, startedWorkers } from "../executors/worker-count.ts";

export interface PrimesOptions {
  executor?: CpuExecutorName | undefined;
  workers?: number | undefined;
  numbers?: readonly bigint[] | undefined;
  print?: Print | undefined;
}

function formatPrimeResult({ n, prime, elapsed }: PrimeResult): string {
  return `${String(n).padStart(16)}  ${prime ? "P" : " "} ${elapsed.toFixed(6).padStart(9)}s`;
}

export async function runPrimes({
  executor: kind = DEFAULT_CPU_EXECUTOR,
  workers,
  numbers = PRIME_NUMBERS,
  print = console.log,
}: PrimesOptions = {}): Promise<PrimeResult[]> {
  const executor = await createExecutor(kind, workers);
  const endInterrupts = kind === "queue" ? terminateOnSignal(executor) : undefined;
  const started = startedWorkers(kind, executor.maxWorkers, numbers.length);
  const who = describeWorkers(started, executor.maxWorkers, EXECUTORS[kind].workerNoun, "number");
  print(`Checking ${numbers.length} numbers with ${who}:`);
  const t0 = performance.now();
  const results: PrimeResult[] = [];
  let finished = false;
  try {
    const futures = numbers.map((n) => executor.submit(checkPrime, n));
    for await (const future of asCompleted(futures)) {
      const result = await future.result();
      results.push(result);
      print(formatPrimeResult(result));
    }
    finished = true;
  } finally {
    await closeExecutor(executor, finished);
    endInterrupts?.();
  }
  print(`${results.length} checks in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
  return results;
}
