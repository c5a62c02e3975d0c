// Run by other-runtimes.test.ts under Bun and Deno: a job's signature, made from copies of
// keyed SHA-256 states (job-signature.ts), equals node:crypto's HMAC there too. Prints "ok".
import { createHmac } from "node:crypto";
import { JobSigner, checkKey } from "../../src/queue-executor/job-signature.ts";
import type { JobData } from "../../src/queue-executor/payload.ts";

const job: JobData = { t: { p: "file:///srv/tasks.js", v: "1.0.0", m: "tasks", e: "add" }, a: "[1,2]", c: 0 };
for (const text of ["sixteen byte key", "k".repeat(64), "k".repeat(100)]) {
  const key = checkKey(text)!;
  const signer = new JobSigner(key);
  const expected = createHmac("sha256", key)
    .update(`${JSON.stringify(["job-1", "file:///srv/tasks.js", "1.0.0", "tasks", "add", 0])}\n[1,2]`)
    .digest("base64url");
  for (let i = 0; i < 2; i++) {
    const signature = signer.sign("job-1", job);
    if (signature !== expected || !signer.verify("job-1", { ...job, s: signature }))
      throw new Error(`a key of ${key.byteLength} bytes signs ${signature}, HMAC says ${expected}`);
  }
}
console.log("ok");
