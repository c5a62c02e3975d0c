// What an error from ioredis, BullMQ or Redis means for us, told by its code or its reply's
// first word wherever one exists. Two have neither, and are matched by their message; a test
// pins each of those messages to the installed ioredis and BullMQ, so a change there shows.

/** Socket error codes that mean "Redis is unreachable": the connection state reports that once. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/**
 * Replies of a Redis Cluster (or a server) in passing trouble: a master failing over, a slot
 * moving, a replica still loading. ioredis follows redirections and retries these for a while.
 */
const PASSING_REPLIES = new Set([
  "CLUSTERDOWN",
  "TRYAGAIN",
  "MOVED",
  "ASK",
  "LOADING",
  "MASTERDOWN",
  "READONLY",
  // A promoted replica lacks the scripts its master had: ioredis loads one again only for a
  // command sent alone, not inside a transaction (job-sender.ts sends one alone first).
  "NOSCRIPT",
]);

/** ioredis's message when a cluster command kept being redirected (it has no code). */
export const REDIRECTIONS_MESSAGE = "Too many Cluster redirections";

/** Redis's replies that refuse our credentials or permissions: waiting longer cannot help. */
const REFUSAL_REPLIES = new Set(["WRONGPASS", "NOAUTH", "NOPERM"]);

/** Node's codes for a TLS certificate it does not trust: waiting cannot help either. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** BullMQ's ErrorCode.JobNotExist, set as `code` on the error of a script that found no job. */
const BULLMQ_JOB_NOT_EXIST = -1;

/** ioredis's message for a command on a closed connection (it has no code). */
export const CONNECTION_CLOSED_MESSAGE = "Connection is closed.";

/** BullMQ's message when a job's lock could not be extended (it has no code). */
export const LOCK_RENEWAL_MESSAGE = "could not renew lock for job";

interface MaybeCoded {
  code?: unknown;
  message?: unknown;
}

function messageOf(error: unknown): string {
  const message = (error as MaybeCoded | null)?.message;
  return typeof message === "string" ? message : "";
}

/** The first word of a Redis error reply ("WRONGPASS invalid username-password pair" -> "WRONGPASS"). */
export function replyPrefix(error: unknown): string {
  return /^[A-Z][A-Z-]*/.exec(messageOf(error))?.[0] ?? "";
}

/** Redis is unreachable or the connection closed: a state, not a fault of any job. */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as MaybeCoded | null)?.code;
  if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
  return messageOf(error).startsWith(CONNECTION_CLOSED_MESSAGE.slice(0, -1));
}

/**
 * A command failed for a reason that passes: the connection dropped, or a cluster was failing
 * over or moving a slot. Sending the same jobs again (same ids) is then safe and may succeed.
 */
export function isPassing(error: unknown): boolean {
  if (isConnectionLoss(error) || PASSING_REPLIES.has(replyPrefix(error))) return true;
  if (messageOf(error).startsWith(REDIRECTIONS_MESSAGE)) return true;
  // A transaction (addBulk's MULTI) discarded because a command in it met one of those.
  const previous = (error as { previousErrors?: unknown } | null)?.previousErrors;
  return (
    replyPrefix(error) === "EXECABORT" &&
    Array.isArray(previous) &&
    previous.length > 0 &&
    previous.every(isPassing)
  );
}

/** Redis refused our credentials or the commands we need (ACL), or its TLS certificate is not trusted. */
export function isRefusal(error: unknown): boolean {
  if (REFUSAL_REPLIES.has(replyPrefix(error)) || isUntrustedCertificate(error)) return true;
  // A transaction discarded because a command in it was refused.
  const previous = (error as { previousErrors?: unknown } | null)?.previousErrors;
  return replyPrefix(error) === "EXECABORT" && Array.isArray(previous) && previous.some(isRefusal);
}

function isUntrustedCertificate(error: unknown): boolean {
  const code = (error as MaybeCoded | null)?.code;
  return typeof code === "string" && UNTRUSTED_CERTIFICATE_CODES.has(code);
}

/** One line on a refusal, for the server at `where`: what happened and what helps. */
export function refusalMessage(where: string, error: unknown): string {
  if (isUntrustedCertificate(error)) {
    return (
      `Redis at ${where} presented a TLS certificate that is not trusted here (${messageOf(error)}): ` +
      `give the certificate authority that signed it (ioredis option tls: { ca })`
    );
  }
  return `Redis at ${where} refused us: ${refusalText(error)}`;
}

/** What Redis refused: the reply itself, or the one that made a transaction fail. */
export function refusalText(error: unknown): string {
  const previous = (error as { previousErrors?: unknown } | null)?.previousErrors;
  const refused = Array.isArray(previous) ? previous.find(isRefusal) : undefined;
  return messageOf(refused ?? error);
}

/** Redis is full: maxmemory reached with the noeviction policy. */
export function isOutOfMemory(error: unknown): boolean {
  return replyPrefix(error) === "OOM";
}

/** BullMQ found the job gone from Redis (flushed, restarted empty, or taken back by its producer). */
export function isJobGone(error: unknown): boolean {
  if ((error as MaybeCoded | null)?.code === BULLMQ_JOB_NOT_EXIST) return true;
  return messageOf(error).startsWith(LOCK_RENEWAL_MESSAGE);
}
