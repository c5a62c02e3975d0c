// The flag server: LOCAL, DELAY and ERROR listeners over the flag data set.
export { startFlagServer, type FlagServer } from "./flag-server.ts";
export { ListenError } from "./listener.ts";
export { DataSetError, DEFAULT_DATA_DIR } from "./data-set.ts";
export { DEFAULT_FAULTS } from "./fault-kinds.ts";
export {
  DEFAULT_DELAY,
  DEFAULT_PORTS,
  LISTENER_LABELS,
  type Delay,
  type FaultOptions,
  type FlagServerOptions,
  type ListenerLabel,
} from "./options.ts";
export type { FaultKind, ListenerStats, ServerStats } from "./stats.ts";
