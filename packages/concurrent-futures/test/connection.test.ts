// Reading a Redis connection URL: what it means, and that no message ever shows its password.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  connectionOptions,
  describeConnection,
  redisOptions,
  withCertificateAuthority,
  withoutPassword,
} from "../src/queue-executor/index.ts";

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

describe("connectionOptions", () => {
  it("reads a Sentinel URL: the sentinels, the master's name, its credentials and database", () => {
    assert.deepEqual(connectionOptions("redis+sentinel://u:pw@127.0.0.1:26379,[::1]/primary/2"), {
      sentinels: [
        { host: "127.0.0.1", port: 26379 },
        { host: "::1", port: 26379 },
      ],
      name: "primary",
      username: "u",
      password: "pw",
      db: 2,
    });
    assert.deepEqual(connectionOptions("rediss+sentinel://h:5000/m"), {
      sentinels: [{ host: "h", port: 5000 }],
      name: "m",
      db: 0,
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
    assert.equal(describeConnection("redis+sentinel://:secret@h:5000/m"), "master 'm' via sentinel h:5000");
  });

  it("reads a cluster URL: its seed nodes and every node's credentials and TLS", () => {
    assert.deepEqual(connectionOptions("rediss+cluster://:pw@a:7000,b:7001"), {
      cluster: [
        { host: "a", port: 7000 },
        { host: "b", port: 7001 },
      ],
      redisOptions: { password: "pw", tls: {} },
    });
    assert.equal(describeConnection({ cluster: [{ host: "a", port: 7000 }] }), "cluster a:7000");
    assert.throws(() => redisOptions("redis+cluster://a:7000"), TypeError);
  });

  it("refuses what the forms do not allow, without the password", () => {
    const bad = [
      "redis+sentinel://:hunter2@h:5000",
      "redis+cluster://:hunter2@a:7000/0",
      "redis://:hunter2@a:7000,b:7001",
      "redis+cluster://:hunter2@a:7000,,b:7001",
      "redis+mesh://:hunter2@a:7000",
      "redis://:hunter2@a:7000/0?x=1",
      "redis://%zz:hunter2@a:7000",
    ];
    for (const url of bad) {
      assert.throws(
        () => connectionOptions(url),
        (error: Error) => error instanceof TypeError && !/hunter/.test(error.message),
        url,
      );
    }
    assert.throws(() => connectionOptions({ cluster: [] }), TypeError);
  });
});

describe("withCertificateAuthority", () => {
  it("adds the CA to TLS options, to a Sentinel's, to a cluster's nodes, and to a TLS profile by name", () => {
    assert.deepEqual(withCertificateAuthority("rediss://h:1", "CA"), {
      host: "h",
      port: 1,
      db: 0,
      tls: { ca: "CA" },
    });
    const sentinel = withCertificateAuthority("rediss+sentinel://s:2/m", "CA") as Record<string, unknown>;
    assert.deepEqual([sentinel.tls, sentinel.sentinelTLS], [{ ca: "CA" }, { ca: "CA" }]);
    const cluster = withCertificateAuthority("rediss+cluster://a:3", "CA") as { redisOptions: object };
    assert.deepEqual(cluster.redisOptions, { tls: { ca: "CA" } });
    // ioredis 6.1 names TLS profiles: the profile stays, with the CA beside it.
    assert.deepEqual(withCertificateAuthority({ host: "h", tls: "RedisCloudFixed" }, "CA"), {
      host: "h",
      tls: { profile: "RedisCloudFixed", ca: "CA" },
    });
    assert.throws(() => withCertificateAuthority("redis://h:1", "CA"), /needs a TLS connection/);
  });
});

describe("withoutPassword and the URL forms' edges", () => {
  it("hides credentials without an @ and any query", () => {
    assert.equal(withoutPassword("redis://user:secret/host:6379"), "redis://***/host:6379");
    assert.equal(withoutPassword("redis://default:secret"), "redis://***");
    assert.equal(withoutPassword("rediss://h:6380/0?password=secret"), "rediss://h:6380/0?***");
    assert.equal(withoutPassword("redis+cluster://a:7000,[::1]:7001"), "redis+cluster://a:7000,[::1]:7001");
    for (const url of [
      "redis://user:secret/host:6379",
      "redis://default:secret",
      "rediss://h:6380/0?password=secret",
    ]) {
      assert.throws(
        () => connectionOptions(url),
        (error: Error) => error instanceof TypeError && !error.message.includes("secret"),
      );
    }
  });

  it("takes any case in schemes and host names, and IPv6 in any spelling", () => {
    assert.deepEqual(connectionOptions("REDIS://MyRedis.internal:6379"), {
      host: "MyRedis.internal",
      port: 6379,
      db: 0,
    });
    assert.deepEqual(connectionOptions("Redis+Cluster://a:7000"), {
      cluster: [{ host: "a", port: 7000 }],
      redisOptions: {},
    });
    assert.equal(describeConnection("redis://[0:0:0:0:0:0:0:1]:6380"), "[::1]:6380");
  });

  it("takes credentials once, before the first host", () => {
    assert.throws(() => connectionOptions("redis+cluster://u:p@h1:7000,u:p@h2:7001"), /credentials go once/);
    assert.throws(() => connectionOptions("redis+sentinel://h/my%zzmaster"), TypeError);
  });
});
