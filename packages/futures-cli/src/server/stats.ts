// Counts of what each listener served and injected, as GET /stats and server.stats() report
// them. Only flag requests count: the server's own pages do not, nor the flags the index page loads.
// Every request counted ends in exactly one outcome, so the counts add up at any moment:
// requests = answers started (by status) + requests that got no answer + requests still waiting.
import { zeroPerKind, type FaultKind } from "./fault-kinds.ts";
import type { CapCounts } from "./connection-cap.ts";
import type { ListenerLabel } from "./options.ts";
import type { PipeliningCounts } from "./pipelining-limit.ts";

export type { FaultKind };

/** Why a request got no answer at all. */
export interface Unanswered {
  /** Its connection was reset on purpose (a reset fault). */
  reset: number;
  /** It hung, and the server dropped it after the hang timeout. */
  dropped: number;
  /** The client closed the connection first, during a delay or a hang. */
  clientClosed: number;
  /** The server stopped while it waited. */
  stopped: number;
  /** The server closed its connection, which had too many pipelined requests in flight. */
  overPipelined: number;
}

/** Answers that started but never reached their end (truncated ones are counted as faults). */
export interface CutShort {
  /** The client closed the connection while the body was still coming. */
  byClient: number;
  /** The server stopped while the body was still coming. */
  byStop: number;
}

export interface ListenerStats {
  /** Flag requests received (everything but the server's pages and the flags its index page loads). */
  requests: number;
  /** Answers started, by status: { "200": 180, "404": 3, "503": 11 }. */
  statuses: Record<string, number>;
  /** Requests that never got an answer, by why. */
  unanswered: Unanswered;
  /** Requests still waiting for their answer (delayed or hung). */
  waiting: number;
  /** Of the answers started, those the client or the stop cut short. */
  cutShort: CutShort;
  /** Faults injected, by kind; a request gets at most one. */
  faults: Record<FaultKind, number>;
  /**
   * Connections closed by the cap on open connections (see FlagServerOptions.maxConnections),
   * and for too many pipelined requests in flight.
   */
  connections: CapCounts & PipeliningCounts;
}

/** One entry per started listener. */
export type ServerStats = Partial<Record<ListenerLabel, ListenerStats>>;

export class StatsCounter {
  requests = 0;
  waiting = 0;
  readonly unanswered: Unanswered = { reset: 0, dropped: 0, clientClosed: 0, stopped: 0, overPipelined: 0 };
  readonly cutShort: CutShort = { byClient: 0, byStop: 0 };
  readonly faults = zeroPerKind();
  readonly connections: CapCounts & PipeliningCounts = { evicted: 0, refused: 0, overPipelined: 0 };
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
      unanswered: { ...this.unanswered },
      waiting: this.waiting,
      cutShort: { ...this.cutShort },
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

const UNANSWERED_WORDS: Record<keyof Unanswered, string> = {
  reset: "reset",
  dropped: "dropped after hanging",
  clientClosed: "closed by the client first",
  stopped: "cut off by the stop",
  overPipelined: "dropped with a connection that pipelined too many",
};

/**
 * Every outcome with a count, in words that add up to `requests`:
 * ["180×200", "11×503", "2 reset", "1 closed by the client first", "3 waiting"].
 */
export function outcomeParts(stats: ListenerStats, times = "×"): string[] {
  const parts = Object.entries(stats.statuses).map(([status, n]) => `${n}${times}${status}`);
  for (const [key, words] of Object.entries(UNANSWERED_WORDS) as [keyof Unanswered, string][]) {
    const n = stats.unanswered[key];
    if (n > 0) parts.push(`${n} ${words}`);
  }
  if (stats.waiting > 0) parts.push(`${stats.waiting} waiting`);
  return parts;
}

/** The answers cut short, in words: "2 answers cut short by the client, 1 by the stop", or "". */
export function cutShortText({ cutShort }: ListenerStats): string {
  const { byClient, byStop } = cutShort;
  if (byClient + byStop === 0) return "";
  const answers = (n: number) => `${n} answer${n === 1 ? "" : "s"} cut short`;
  if (byStop === 0) return `${answers(byClient)} by the client`;
  if (byClient === 0) return `${answers(byStop)} by the stop`;
  return `${answers(byClient)} by the client, ${byStop} by the stop`;
}
