// The workers a status lists, from the registry as registry-script.ts read it: each heartbeat
// checked field by field and made printable (printable.ts), live and silent apart, the live
// workers of earlier releases (no heartbeat details) beside them, and what in the registry's
// keys is not a worker's, for the findings.
import { printable } from "./printable.ts";
import { readRegistryOnce, type RegistryKeyNames } from "./registry-script.ts";
import type { RedisClient } from "./redis-target.ts";
import type { OlderWorker, RegistryOddities, WorkerStatus } from "./status-findings.ts";
import { LAST_BEAT_KEPT_MS, MAX_WORKER_ID_LENGTH, type WorkerBeat } from "./worker-registry.ts";

export interface StatusWorkers {
  workers: WorkerStatus[];
  silentWorkers: WorkerStatus[];
  olderWorkers: OlderWorker[];
  unlistedWorkers: number;
  registry: RegistryOddities;
}

/** The workers of a queue, at most `limit` of each kind. */
export async function statusWorkers(
  redis: RedisClient,
  keys: RegistryKeyNames,
  limit: number,
): Promise<StatusWorkers> {
  const read = await readRegistryOnce(redis, keys, limit);
  const workers: WorkerStatus[] = [];
  const silentWorkers: WorkerStatus[] = [];
  for (const { id, alive, ttl, beat: text } of read.entries) {
    const beat = readBeat(text);
    // Unreadable: not written by a worker of ours; counted as unlisted.
    if (!beat) continue;
    // A last-beat key set for longer than an hour is forged: its age would be negative.
    const sinceBeat = Math.max(0, LAST_BEAT_KEPT_MS - ttl);
    (alive ? workers : silentWorkers).push({ id: printable(id, MAX_WORKER_ID_LENGTH), ...beat, sinceBeat });
  }
  const olderWorkers = read.older.map(({ id, concurrency }) => ({
    id: printable(id, MAX_WORKER_ID_LENGTH),
    concurrency: /^[1-9]\d{0,5}$/.test(concurrency) ? Number(concurrency) : null,
  }));
  const { seen } = read;
  const listed = workers.length + silentWorkers.length;
  return {
    workers: workers.sort(byHost),
    silentWorkers: silentWorkers.sort(byHost),
    olderWorkers,
    unlistedWorkers: Math.max(0, seen.total - seen.future - seen.long - listed) + read.moreOlder,
    registry: {
      wrongTypes: [
        ...(["none", "zset"].includes(seen.type) ? [] : [{ key: keys.seen, type: seen.type }]),
        ...(["none", "hash"].includes(read.workers.type)
          ? []
          : [{ key: keys.workers, type: read.workers.type }]),
      ],
      seenKey: keys.seen,
      futureEntries: seen.future,
      longIds: seen.long,
    },
  };
}

/** A heartbeat's fields, in the order they are shown, and what each must be. */
const BEAT_FIELDS: readonly [keyof WorkerBeat, "string" | "number"][] = [
  ["host", "string"],
  ["pid", "number"],
  ["executor", "string"],
  ["concurrency", "number"],
  ["running", "number"],
  ["finishedLastMinute", "number"],
  ["lockDuration", "number"],
  ["startedAt", "number"],
  ["at", "number"],
];

/** Longest text field shown: a host name is at most 253 characters, an executor a word. */
const MAX_FIELD_LENGTH: Partial<Record<keyof WorkerBeat, number>> = { host: 255, executor: 32 };

/** A heartbeat read back, checked field by field: Redis may hold anything. */
export function readBeat(text: string): WorkerBeat | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const beat = value as Record<string, unknown>;
  const valid = BEAT_FIELDS.every(([name, type]) =>
    type === "number" ? Number.isFinite(beat[name]) : typeof beat[name] === "string",
  );
  if (!valid) return undefined;
  const fields = BEAT_FIELDS.map(([name, type]) => [
    name,
    type === "string" ? printable(beat[name] as string, MAX_FIELD_LENGTH[name]!) : beat[name],
  ]);
  return Object.fromEntries(fields) as unknown as WorkerBeat;
}

function byHost(a: WorkerStatus, b: WorkerStatus): number {
  return a.host.localeCompare(b.host) || a.pid - b.pid;
}
