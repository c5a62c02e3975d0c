// Reading a Redis connection URL: what it means, and that no message ever shows its password.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeConnection, redisOptions } from "../src/queue-executor/index.ts";

describe("redisOptions", () => {
  it("reads host, port, credentials, database and TLS", () => {
    assert.deepEqual(redisOptions("rediss://u:p%40ss@[::1]:6380/3"), {
      host: "::1",
      port: 6380,
      username: "u",
      password: "p@ss",
      db: 3,
      tls: {},
    });
    assert.equal(describeConnection(redisOptions("redis://u:secret@example.test:7000")), "example.test:7000");
  });

  it("never shows a password in its errors, however malformed the URL", () => {
    const malformed = [
      "redis://:hunter2@host:port/x",
      "redis://user:hunter2@host:6379/x",
      "redis://:hunter2@host:0",
      "redis://:hun/ter2@host:6379",
      "redis://:hunter@2@host:6379/-1",
      "http://user:hunter2@host",
    ];
    for (const url of malformed) {
      assert.throws(
        () => redisOptions(url),
        (error: Error) => {
          assert.ok(error instanceof TypeError);
          assert.doesNotMatch(error.message, /hunter|ter2/, `${url} -> ${error.message}`);
          assert.match(error.message, /\*\*\*@/);
          return true;
        },
      );
    }
  });
});
