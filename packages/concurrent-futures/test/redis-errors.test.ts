// What the queue recognises in errors of ioredis, BullMQ and Redis. Codes and reply prefixes
// are checked on real errors; the two messages matched as text are pinned to the installed
// ioredis and BullMQ, so an upgrade that rewords them fails here, not in production.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import { ErrorCode } from "bullmq";
import { Redis } from "ioredis";
import {
  CONNECTION_CLOSED_MESSAGE,
  LOCK_RENEWAL_MESSAGE,
  isConnectionLoss,
  isJobGone,
  isRefusal,
  replyPrefix,
} from "../src/queue-executor/redis-errors.ts";

const require = createRequire(import.meta.url);

/** Every .js file of an installed package's ESM build, as text. */
function sourcesOf(pkg: string): string {
  const root = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "dist", "esm");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
  return files.map((file) => readFileSync(path.join(root, file), "utf8")).join("\n");
}

describe("errors of ioredis, BullMQ and Redis", () => {
  it("knows ioredis's error for a command on a closed connection", async () => {
    const redis = new Redis({ port: 1, lazyConnect: true });
    redis.disconnect();
    const error = await redis.get("x").then(
      () => assert.fail("a closed connection answered"),
      (reason: unknown) => reason,
    );
    assert.equal((error as Error).message, CONNECTION_CLOSED_MESSAGE);
    assert.ok(isConnectionLoss(error));
  });

  it("knows unreachable Redis by the socket's error code", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"]) {
      assert.ok(isConnectionLoss(Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code })));
    }
    assert.ok(!isConnectionLoss(new Error("Missing key for job 1. moveToFinished")));
  });

  it("knows BullMQ's missing job by its code, and a lock it could not renew by its message", () => {
    assert.equal(ErrorCode.JobNotExist, -1);
    assert.ok(isJobGone(Object.assign(new Error("Missing key for job 7. moveToFinished"), { code: -1 })));
    assert.ok(!isJobGone(Object.assign(new Error("Missing lock for job 7. moveToFinished"), { code: -2 })));
    assert.ok(sourcesOf("bullmq").includes(`new Error(\`${LOCK_RENEWAL_MESSAGE} \${jobId}\`)`));
    assert.ok(isJobGone(new Error(`${LOCK_RENEWAL_MESSAGE} 42`)));
  });

  it("knows Redis refusing credentials or permissions by the reply's first word", () => {
    assert.equal(
      replyPrefix(new Error("WRONGPASS invalid username-password pair or user is disabled.")),
      "WRONGPASS",
    );
    assert.ok(isRefusal(new Error("NOAUTH Authentication required.")));
    assert.ok(isRefusal(new Error("NOPERM User u has no permissions to run the 'info' command")));
    assert.ok(!isRefusal(new Error("ERR unknown command")));
    assert.ok(!isRefusal(new Error("a task said WRONGPASS somewhere")));
  });
});
