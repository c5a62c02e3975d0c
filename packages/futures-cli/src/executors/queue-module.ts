// The library's queue subpath, which needs bullmq and ioredis: optional peer dependencies of
// futures-cli, loaded only by `-x queue` and `futures worker`, so that installing the command
// builds nothing native. Without them, one line says what to install (exit status 1: the
// command line was right, the installation lacks a part).

/** The packages the queue needs, as a user installs them. */
export const QUEUE_PACKAGES = ["bullmq", "ioredis"] as const;

/** The queue subpath of the library; `user` names what needs it in the error ("-x queue"). */
export async function loadQueueModule(user: string): Promise<typeof import("concurrent-futures/queue")> {
  try {
    return await import("concurrent-futures/queue");
  } catch (error) {
    if (!isMissingQueuePackage(error)) throw error;
    throw new Error(
      `${user} needs ${QUEUE_PACKAGES.join(" and ")}, which are not installed: ` +
        `npm install ${QUEUE_PACKAGES.join(" ")} (with -g for a global futures-cli)`,
      { cause: error },
    );
  }
}

/** Node's error for a missing package, from import (ESM) or from require (the flags bundle). */
function isMissingQueuePackage(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    QUEUE_PACKAGES.some((name) => String(message).includes(`'${name}'`))
  );
}
