// startFlagServer: the book's LOCAL, DELAY and ERROR flag servers, each on its own port,
// over one in-memory copy of the data set.
import { checkMaxConnections, defaultMaxConnections } from "./connection-cap.ts";
import { loadDataSet } from "./data-set.ts";
import { describeBehaviour, type Behaviour } from "./describe.ts";
import { resolveFaults } from "./fault-kinds.ts";
import { Listener } from "./listener.ts";
import {
  checkDelay,
  checkPort,
  DEFAULT_DELAY,
  DEFAULT_PORTS,
  LISTENER_LABELS,
  type FlagServerOptions,
  type ListenerLabel,
} from "./options.ts";
import { randomSeed, seededRandom, streamSeed } from "./random.ts";
import { snapshotAll, type ServerStats, type StatsCounter } from "./stats.ts";

export interface FlagServer {
  /** Base URL of each started listener's flags, like http://127.0.0.1:8001/flags. */
  urls: Partial<Record<ListenerLabel, string>>;
  /** What each started listener does, in one line. */
  behaviours: Partial<Record<ListenerLabel, string>>;
  /** The seed in use (the one given, or a random one): pass it again to repeat the faults. */
  seed: number;
  /** The data folder served and how many flags it holds. */
  dataDir: string;
  flagCount: number;
  /** Open connections each listener holds at most. */
  maxConnections: number;
  /** What each listener served and injected so far; the same as GET /stats. */
  stats(): ServerStats;
  /** Close every listener, cancel pending replies and destroy open sockets, hung ones too. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startFlagServer(options: FlagServerOptions = {}): Promise<FlagServer> {
  const host = options.host ?? "127.0.0.1";
  const labels = LISTENER_LABELS.filter((label) => (options.only ?? LISTENER_LABELS).includes(label));
  if (labels.length === 0) throw new RangeError("only must name at least one of LOCAL, DELAY, ERROR");
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const label of labels) checkPort(ports[label], `ports.${label}`);
  const delay = options.delay ?? DEFAULT_DELAY;
  checkDelay(delay, "delay");
  const faults = resolveFaults(options.faults);
  const seed = options.seed ?? randomSeed();
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  const maxConnections = options.maxConnections ?? defaultMaxConnections(labels.length);
  checkMaxConnections(maxConnections, "maxConnections");

  const data = await loadDataSet(options.dataDir, { preload: !options.readOnDemand });
  const counters = new Map<ListenerLabel, StatsCounter>();
  const behaviours: Record<ListenerLabel, Behaviour> = {
    LOCAL: { label: "LOCAL" },
    DELAY: { label: "DELAY", delay },
    ERROR: { label: "ERROR", faults },
  };
  const listeners = labels.map(
    (label) =>
      new Listener({
        behaviour: behaviours[label],
        data,
        counters,
        random: seededRandom(streamSeed(seed, LISTENER_LABELS.indexOf(label))),
        // Streams after the listeners' own, one for each listener's page.
        pageRandom: seededRandom(streamSeed(seed, LISTENER_LABELS.length + LISTENER_LABELS.indexOf(label))),
        seed,
        maxConnections,
      }),
  );
  const closeAll = async () => {
    await Promise.all(listeners.map((listener) => listener.close()));
  };

  const results = await Promise.allSettled(
    listeners.map((listener) => listener.listen(host, ports[listener.label])),
  );
  const failure = results.find((result) => result.status === "rejected");
  if (failure) {
    await closeAll();
    throw failure.reason;
  }

  const urls: Partial<Record<ListenerLabel, string>> = {};
  const descriptions: Partial<Record<ListenerLabel, string>> = {};
  const urlHost = host.includes(":") ? `[${host}]` : host;
  labels.forEach((label, i) => {
    const port = (results[i] as PromiseFulfilledResult<number>).value;
    urls[label] = `http://${urlHost}:${port}/flags`;
    descriptions[label] = describeBehaviour(behaviours[label]);
  });

  return {
    urls,
    behaviours: descriptions,
    seed,
    dataDir: data.dir,
    get flagCount() {
      return data.flags.length;
    },
    maxConnections,
    stats: () => snapshotAll(counters),
    close: closeAll,
    [Symbol.asyncDispose]: closeAll,
  };
}
