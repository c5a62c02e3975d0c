// Short names for the applications' own task modules, so that `futures worker --import flags cpu`
// serves `futures flags -x queue` and `futures arcfour|sha|primes -x queue` without paths.
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const module = (path: string): URL => new URL(`../${path}${extension}`, import.meta.url);

export const APP_TASKS: Readonly<Record<string, readonly URL[]>> = {
  flags: [module("flags/download-task")],
  cpu: [module("cpu/arcfour-job"), module("cpu/sha-job"), module("cpu/prime-job"), module("cpu/probe-job")],
};
