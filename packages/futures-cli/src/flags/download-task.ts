// The download step as a task for thread and process pools (which end the worker to abort
// it). The task names downloadFlag in download-one.ts, not this module: each worker then
// loads only the download step, and not the library that task() comes from.
import { task } from "concurrent-futures";
import { DOWNLOAD_MODULE_URL, downloadFlag, type DownloadRequest } from "./download-one.ts";

export const downloadOne = task(DOWNLOAD_MODULE_URL, "downloadFlag", (cc: string, request: DownloadRequest) =>
  downloadFlag(cc, request),
);
