// Counts of what each listener served and injected, as GET /stats and server.stats() report
// them. Only flag requests count: the index page and /stats itself do not.
import type { ListenerLabel } from "./options.ts";

export type FaultKind = "delay" | "status" | "reset" | "hang" | "truncate" | "throttle";

export interface ListenerStats {
  /** Flag requests received (everything but / and /stats). */
  requests: number;
  /** Responses started, by status: { "200": 180, "404": 3, "503": 11 }. */
  statuses: Record<string, number>;
  /** Faults injected, by kind; a request gets at most one. */
  faults: Record<FaultKind, number>;
}

/** One entry per started listener. */
export type ServerStats = Partial<Record<ListenerLabel, ListenerStats>>;

export class StatsCounter {
  requests = 0;
  readonly faults: Record<FaultKind, number> = {
    delay: 0,
    status: 0,
    reset: 0,
    hang: 0,
    truncate: 0,
    throttle: 0,
  };
  readonly #statuses = new Map<number, number>();

  countStatus(status: number): void {
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
  }

  snapshot(): ListenerStats {
    const statuses: Record<string, number> = {};
    for (const status of [...this.#statuses.keys()].sort((a, b) => a - b)) {
      statuses[String(status)] = this.#statuses.get(status)!;
    }
    return { requests: this.requests, statuses, faults: { ...this.faults } };
  }
}

/** The stats of every started listener, shared so any of them can answer /stats. */
export function snapshotAll(counters: Map<ListenerLabel, StatsCounter>): ServerStats {
  const stats: ServerStats = {};
  for (const [label, counter] of counters) stats[label] = counter.snapshot();
  return stats;
}
