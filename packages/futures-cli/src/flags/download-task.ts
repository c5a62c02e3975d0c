// The download step as a task for thread and process pools (which end the worker to abort
// it) and for `futures worker`. The task names downloadCheckedFlag in download-step.ts, not
// this module: each worker then loads only the download step and its argument checks, and
// not the library that task() comes from.
import { task } from "concurrent-futures";
import type { DownloadRequest } from "./download-one.ts";
import { DOWNLOAD_STEP_URL, downloadCheckedFlag } from "./download-step.ts";

export const downloadOne = task(
  DOWNLOAD_STEP_URL,
  "downloadCheckedFlag",
  (cc: string, request: DownloadRequest) => downloadCheckedFlag(cc, request),
);
