// Counts of what each listener served and injected, as GET /stats and server.stats() report
// them. Only flag requests count: the server's own pages do not, nor the flags the index page loads.
import { zeroPerKind, type FaultKind } from "./fault-kinds.ts";
import type { CapCounts } from "./connection-cap.ts";
import type { ListenerLabel } from "./options.ts";

export type { FaultKind };

export interface ListenerStats {
  /** Flag requests received (everything but the server's pages and the flags its index page loads). */
  requests: number;
  /** Responses started, by status: { "200": 180, "404": 3, "503": 11 }. */
  statuses: Record<string, number>;
  /** Faults injected, by kind; a request gets at most one. */
  faults: Record<FaultKind, number>;
  /** Connections closed by the cap on open connections (see FlagServerOptions.maxConnections). */
  connections: CapCounts;
}

/** One entry per started listener. */
export type ServerStats = Partial<Record<ListenerLabel, ListenerStats>>;

export class StatsCounter {
  requests = 0;
  readonly faults = zeroPerKind();
  readonly connections: CapCounts = { evicted: 0, refused: 0 };
  readonly #statuses = new Map<number, number>();

  countStatus(status: number): void {
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
  }

  snapshot(): ListenerStats {
    const statuses: Record<string, number> = {};
    for (const status of [...this.#statuses.keys()].sort((a, b) => a - b)) {
      statuses[String(status)] = this.#statuses.get(status)!;
    }
    return {
      requests: this.requests,
      statuses,
      faults: { ...this.faults },
      connections: { ...this.connections },
    };
  }
}

/** The stats of every started listener, shared so any of them can answer /stats. */
export function snapshotAll(counters: Map<ListenerLabel, StatsCounter>): ServerStats {
  const stats: ServerStats = {};
  for (const [label, counter] of counters) stats[label] = counter.snapshot();
  return stats;
}
