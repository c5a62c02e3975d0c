// The flag downloader as a library (futures-cli/flags): download many flags on any executor,
// or one; choose the codes and the server; save flags as the command does.
export { downloadMany, type DownloadManyOptions, type DownloadSummary } from "./download-many.ts";
export { downloadFlag, type DownloadRequest, type RetryListener } from "./download-one.ts";
export { downloadOne } from "./download-task.ts";
export { type FlagCounts, type FlagResult, type FlagStatus, type RetryNote } from "./flag-result.ts";
export { POP20_CC, everyCode, readCountryCodes, selectCodes, type CodeSelection } from "./country-codes.ts";
export { DEFAULT_EXECUTOR, EXECUTOR_NAMES, type ExecutorName } from "../executors/catalogue.ts";
export { DEFAULT_DEST, DEFAULT_MAX_FILESIZE, DEFAULT_TIMEOUT_MS } from "./defaults.ts";
export { type BackoffOptions } from "./backoff.ts";
export { FetchError, HttpClient, type HttpClientOptions } from "./http-get.ts";
export { DestinationError, prepareDestination } from "./destination.ts";
export {
  flagFileName,
  newTempTag,
  SaveError,
  saveFlag,
  type SaveOptions,
  type SaveOutcome,
} from "./save-flag.ts";
export { resolveServer, type ServerChoice } from "./servers.ts";
export { ensureLocalServer, type LocalServer } from "./local-server.ts";
