// The flag downloader as a library: the pieces `futures flags` is made of.
export { downloadMany, type DownloadManyOptions, type DownloadSummary } from "./download-many.ts";
export {
  TRANSIENT_STATUSES,
  downloadFlag,
  flagUrl,
  type DownloadRequest,
  type RetryListener,
} from "./download-one.ts";
export { downloadOne } from "./download-task.ts";
export {
  countResults,
  type FlagCounts,
  type FlagResult,
  type FlagStatus,
  type RetryNote,
} from "./flag-result.ts";
export {
  POP20_CC,
  everyCode,
  expandCcArgs,
  readCountryCodes,
  selectCodes,
  type CodeSelection,
} from "./country-codes.ts";
export {
  DEFAULT_EXECUTOR,
  EXECUTOR_NAMES,
  MAX_CONCURRENCY,
  actualConcurrency,
  type ExecutorLimits,
  type ExecutorName,
} from "./executors.ts";
export { DEFAULT_DEST, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
export {
  DEFAULT_BACKOFF,
  backoffDelay,
  parseRetryAfter,
  retryDelay,
  type BackoffOptions,
} from "./backoff.ts";
export {
  FetchError,
  HttpClient,
  type GetOptions,
  type HttpClientOptions,
  type HttpResponse,
} from "./http-get.ts";
export {
  DestinationError,
  flagFileName,
  prepareDestination,
  SaveError,
  saveFlag,
  sweepStaleTempFiles,
  type SaveOptions,
  type SaveOutcome,
} from "./save-flag.ts";
export {
  DEFAULT_PORTS,
  LOCAL_LABELS,
  PORT_ENV,
  REMOTE_URL,
  resolveServer,
  type LocalLabel,
  type ServerChoice,
} from "./servers.ts";
export { ensureLocalServer, isListening, type LocalServer } from "./local-server.ts";
