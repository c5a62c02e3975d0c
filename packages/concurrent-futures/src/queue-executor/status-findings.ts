// What in a queue's status needs someone's attention, one line each: no live worker, a worker
// gone silent (dead or frozen), registry keys holding what no worker wrote, a Redis nearly
// full or one that drops keys when full.
import type { RedisMemory } from "./redis-memory.ts";
import type { WorkerBeat } from "./worker-registry.ts";

/** Redis this full (of maxmemory) is worth a line: at the limit it refuses every new job. */
export const NEAR_MAXMEMORY = 0.9;

/** A worker as the status shows it: its last heartbeat, and how long ago that was. */
export interface WorkerStatus extends WorkerBeat {
  id: string;
  /** Milliseconds since its last heartbeat, by Redis's clock. */
  sinceBeat: number;
}

/** A live worker of an earlier release: it announces its concurrency, no heartbeat details. */
export interface OlderWorker {
  id: string;
  /** What it announced; null when that is not a concurrency (not written by a worker). */
  concurrency: number | null;
}

/** What in the registry's keys no worker of ours wrote. */
export interface RegistryOddities {
  /** Keys that hold another type than futures keeps there (the rest is read without them). */
  wrongTypes: { key: string; type: string }[];
  seenKey: string;
  /** Entries of `seen` scored after Redis's time: workers score by it, so these are forged. */
  futureEntries: number;
  /** Entries of `seen`, among those looked at, whose ids are too long to be a worker's. */
  longIds: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  prioritized: number;
  failed: number;
  completed: number;
}

/** What the findings are read from. */
export interface StatusFacts {
  queue: string;
  redis: string;
  workers: readonly WorkerStatus[];
  silentWorkers: readonly WorkerStatus[];
  olderWorkers: readonly OlderWorker[];
  registry: RegistryOddities;
  counts: JobCounts;
  memory: RedisMemory | null;
}

export function statusFindings(facts: StatusFacts): string[] {
  const { queue, redis, workers, silentWorkers, olderWorkers, counts, memory } = facts;
  const findings: string[] = [];
  if (workers.length + olderWorkers.length === 0) {
    const waiting = counts.waiting + counts.prioritized + counts.delayed;
    findings.push(
      `no live worker on queue '${queue}' (${jobs(waiting)} ${waiting === 1 ? "waits" : "wait"}): ` +
        `start a QueueWorker for it, or check the queue's name and prefix`,
    );
  }
  for (const worker of silentWorkers) findings.push(silence(worker));
  findings.push(...oddities(facts.registry));
  if (memory && memory.max > 0) {
    const share = memory.used / memory.max;
    if (share >= NEAR_MAXMEMORY) {
      findings.push(
        `Redis at ${redis} uses ${Math.round(share * 100)}% of its maxmemory ` +
          `(${mebibytes(memory.used)} of ${mebibytes(memory.max)}): when full it refuses new jobs`,
      );
    }
    if (memory.policy !== "noeviction") {
      findings.push(
        `Redis at ${redis} drops keys when full (maxmemory-policy ${memory.policy}): ` +
          `jobs can vanish; a queue needs noeviction`,
      );
    }
  }
  return findings;
}

/** A silent worker: past its lock, the jobs it held are stalled; before, they may come back. */
function silence(worker: WorkerStatus): string {
  const who = `worker ${worker.id} (${worker.host}, pid ${worker.pid})`;
  const silent = `${who} silent for ${seconds(worker.sinceBeat)} (dead or frozen)`;
  if (worker.running === 0) return `${silent}; it held no job`;
  if (worker.sinceBeat >= worker.lockDuration)
    return `${silent}, past its ${seconds(worker.lockDuration)} lock: the ${jobs(worker.running)} it held ${worker.running === 1 ? "is" : "are"} stalled`;
  return `${silent}: the ${jobs(worker.running)} it held ${worker.running === 1 ? "loses its lock" : "lose their locks"} in ${seconds(worker.lockDuration - worker.sinceBeat)}`;
}

/** The registry's keys hold what no worker of ours wrote: someone else writes to them. */
function oddities({ wrongTypes, seenKey, futureEntries, longIds }: RegistryOddities): string[] {
  const lines = wrongTypes.map(
    ({ key, type }) =>
      `key '${key}' holds a ${type}, not what futures keeps there: something else wrote it, ` +
      `and the workers are listed without it`,
  );
  const forged = futureEntries + longIds;
  if (forged > 0) {
    const why = [
      ...(futureEntries > 0 ? [`${futureEntries} scored after Redis's time`] : []),
      ...(longIds > 0 ? [`${longIds} with ids over 128 characters`] : []),
    ];
    lines.push(
      `${forged === 1 ? "1 entry" : `${forged} entries`} of key '${seenKey}' ${forged === 1 ? "is" : "are"} ` +
        `not a worker's heartbeat (${why.join(", ")}): something else wrote ${forged === 1 ? "it" : "them"}`,
    );
  }
  return lines;
}

function jobs(count: number): string {
  return count === 1 ? "1 job" : `${count} jobs`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
