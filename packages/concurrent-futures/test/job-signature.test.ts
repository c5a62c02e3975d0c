// A job's signature is HMAC-SHA256 (RFC 2104) over what the README names, whatever the key's
// length: checked against node:crypto's own HMAC, without Redis (queue-trust.test.ts signs and
// refuses real jobs).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { JobSigner, checkKey } from "../src/queue-executor/job-signature.ts";
import type { JobData } from "../src/queue-executor/payload.ts";

const address = { p: "file:///srv/tasks.js", v: "1.2.3", m: "tasks", e: "add" };

function data(a: string, c: 0 | 1 = 0): JobData {
  return { t: { ...address }, a, c };
}

function hmac(key: Buffer, jobId: string, job: JobData): string {
  const { p, v, m, e } = job.t;
  const text = `${JSON.stringify([jobId, p, v, m, e, job.c])}\n${job.a}`;
  return createHmac("sha256", key).update(text).digest("base64url");
}

describe("job signatures", () => {
  it("are HMAC-SHA256 of the job for keys shorter than, as long as and longer than a block", () => {
    const keys = ["sixteen byte key", "k".repeat(64), "k".repeat(65), "é".repeat(150)].map((key) =>
      checkKey(key)!,
    );
    const jobs = [
      data("[1,2]"),
      data('["ünïcode ✓", 1e300]', 1),
      data("x".repeat(10_000)),
      data("y".repeat(40_000)),
      data("é".repeat(9_000)),
      data(""),
    ];
    for (const key of keys) {
      const signer = new JobSigner(key);
      for (const [i, job] of jobs.entries()) {
        const jobId = `fx-0123456789ab-${i}`;
        // Twice: each job's digest starts again from the keyed states.
        assert.equal(signer.sign(jobId, job), hmac(key, jobId, job));
        assert.equal(signer.sign(jobId, job), hmac(key, jobId, job));
      }
    }
  });

  it("verify only the job they were made for, under the key they were made with", () => {
    const key = checkKey("a key of some thirty bytes....")!;
    const signer = new JobSigner(key);
    const job = { ...data("[40,2]"), s: signer.sign("job-1", data("[40,2]")) };
    assert.equal(signer.verify("job-1", job), true);
    assert.equal(signer.verify("job-2", job), false);
    assert.equal(signer.verify("job-1", { ...job, a: "[40,3]" }), false);
    assert.equal(signer.verify("job-1", { ...job, c: 1 }), false);
    assert.equal(signer.verify("job-1", { ...job, t: { ...address, e: "sub" } }), false);
    assert.equal(signer.verify("job-1", { ...job, s: job.s.slice(1) }), false);
    // Text the decoder would skip or pad: still the same bytes, but not the signature's text.
    // The last character of 32 bytes in base64url carries 2 unused bits: its neighbour decodes
    // to the same bytes. A character outside ASCII keeps the text's length, not its bytes'.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const neighbour = alphabet[alphabet.indexOf(job.s.at(-1)!) ^ 1]!;
    assert.deepEqual(
      Buffer.from(`${job.s.slice(0, -1)}${neighbour}`, "base64url"),
      Buffer.from(job.s, "base64url"),
    );
    const forms = [`${job.s.slice(0, -1)}${neighbour}`, `${job.s.slice(0, -1)}Ł`];
    for (const s of [...forms, `${job.s}==`, `${job.s}!!`, `*${job.s}`, ` ${job.s}`, `${job.s}\n`])
      assert.equal(signer.verify("job-1", { ...job, s }), false, JSON.stringify(s));
    assert.equal(signer.verify("job-1", { ...data("[40,2]") }), false);
    assert.equal(new JobSigner(checkKey("another key of thirty bytes...")!).verify("job-1", job), false);
  });
});
