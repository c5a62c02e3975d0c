// queueStatus: one look at a queue, for people and for scripts. Live and silent workers from
// their heartbeats (worker-registry.ts), BullMQ's job counts, jobs per second over the last
// minute (what the live workers say they finished), how full Redis is, and the findings that
// need attention (status-findings.ts). Every read is bounded, and so is the whole look: an
// unreachable Redis is a QueueUnavailableError within `timeout`, never a wait.
import { Queue } from "bullmq";
import { DEFAULT_PREFIX, futuresKeys, type Connection } from "./connection.ts";
import { QueueUnavailableError } from "./errors.ts";
import { redisMemory, type RedisMemory } from "./redis-memory.ts";
import { RedisLink } from "./redis-link.ts";
import { RedisTarget } from "./redis-target.ts";
import { settledWithin } from "./settled-within.ts";
import { statusFindings, type JobCounts, type OlderWorker, type WorkerStatus } from "./status-findings.ts";
import { statusWorkers } from "./status-workers.ts";
import { checkInteger, checkPeriod } from "../validate.ts";
import { lastBeatPrefix, livenessPrefix } from "./worker-registry.ts";

export type { JobCounts, OlderWorker, RedisMemory, WorkerStatus };

export interface QueueStatusOptions {
  queue: string;
  connection?: Connection | undefined;
  prefix?: string | undefined;
  /** Milliseconds to connect and read it all (default 5,000). */
  timeout?: number | undefined;
  /** Workers listed at most, the most recently heard first (default 100). */
  maxWorkers?: number | undefined;
}

export interface QueueStatus {
  queue: string;
  /** Where Redis is, as messages show it: never a password. */
  redis: string;
  /** Workers that beat within the last few seconds. */
  workers: WorkerStatus[];
  /** Workers whose heartbeat stopped in the last hour without their saying goodbye. */
  silentWorkers: WorkerStatus[];
  /**
   * Live workers of an earlier release (no heartbeat details: only their concurrency), during
   * a rolling upgrade. They serve the queue as the others do.
   */
  olderWorkers: OlderWorker[];
  /** Workers heard from in the last hour but not listed: past maxWorkers, or unreadable. */
  unlistedWorkers: number;
  counts: JobCounts;
  /** Jobs the live workers finished in the last 60 s, per second. */
  jobsPerSecond: number;
  /** How full Redis is; null when the user may not ask (ACL without INFO). */
  memory: RedisMemory | null;
  /** One line for each thing that needs attention; none when the queue is healthy. */
  findings: string[];
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_WORKERS = 100;

/** Look at a queue once. Throws QueueUnavailableError when Redis cannot be read in time. */
export async function queueStatus(options: QueueStatusOptions): Promise<QueueStatus> {
  const { queue: name, timeout = DEFAULT_TIMEOUT_MS, maxWorkers = DEFAULT_MAX_WORKERS } = options;
  if (typeof name !== "string" || name === "" || name.includes(":"))
    throw new TypeError(`queue must be a name without ':', got '${String(name)}'`);
  // setTimeout fires at once past 2^31 - 1 ms: that would be an instant failure.
  checkPeriod("timeout", timeout);
  checkInteger("maxWorkers", maxWorkers, 1);
  const target = new RedisTarget(options.connection);
  const prefix = target.keyPrefix(options.prefix ?? DEFAULT_PREFIX);
  let reached = false;
  let refuse!: (error: Error) => void;
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  const link = new RedisLink(
    target,
    // No ready check: it runs INFO, which an ACL may forbid, and ioredis then prints a warning.
    {
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      retryStrategy: (times) => Math.min(50 * times, 500),
    },
    { up: () => (reached = true), refused: (message) => refuse(new QueueUnavailableError(message)) },
  );
  // No version check: it would read INFO (which an ACL may refuse) and print BullMQ's own
  // warning of an eviction policy, which the findings say in their words.
  const queue = new Queue(name, { connection: link.redis, prefix, skipVersionCheck: true });
  queue.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const where = link.where;
      reject(
        new QueueUnavailableError(
          reached
            ? `Redis at ${where} did not answer in ${timeout / 1000} s`
            : `cannot reach Redis at ${where} in ${timeout / 1000} s (last error: ${link.lastError})`,
        ),
      );
    }, timeout);
  });
  try {
    return await Promise.race([read(link, queue, futuresKeys(prefix, name), maxWorkers), refused, late]);
  } finally {
    clearTimeout(timer);
    await settledWithin(queue.close(), 1000);
    link.disconnect();
  }
}

async function read(
  link: RedisLink,
  queue: Queue,
  keys: ReturnType<typeof futuresKeys>,
  maxWorkers: number,
): Promise<QueueStatus> {
  await link.checkDatabase();
  const [counts, seen, memory] = await Promise.all([
    queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed", "completed"),
    statusWorkers(link.redis, registryKeys(keys), maxWorkers),
    redisMemory(link.redis, keys.seen),
  ]);
  const { registry, ...workers } = seen;
  // Workers of earlier releases tell no finished jobs: the rate counts those that do.
  const finished = workers.workers.reduce((sum, worker) => sum + worker.finishedLastMinute, 0);
  const facts = {
    queue: queue.name,
    redis: link.where,
    ...workers,
    counts: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      prioritized: counts.prioritized ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    jobsPerSecond: Math.round((finished / 60) * 100) / 100,
    memory: memory ?? null,
  };
  return { ...facts, findings: statusFindings({ ...facts, registry }) };
}

function registryKeys(keys: ReturnType<typeof futuresKeys>) {
  return {
    seen: keys.seen,
    workers: keys.workers,
    livenessPrefix: livenessPrefix(keys.workers),
    lastBeatPrefix: lastBeatPrefix(keys),
  };
}
