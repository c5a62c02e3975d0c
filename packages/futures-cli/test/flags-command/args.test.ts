import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFlagsArgs } from "../../src/flags-command/args.ts";
import { POP20_CC, readCountryCodes, selectCodes } from "../../src/flags/country-codes.ts";
import { EXECUTORS } from "../../src/executors/catalogue.ts";
import { actualConcurrency } from "../../src/flags/concurrency.ts";
import { REMOTE_URL, resolveServer } from "../../src/flags/servers.ts";
import { UsageError } from "../../src/common/usage.ts";

describe("country code selection", () => {
  it("defaults to the 20 most populous countries, sorted", () => {
    const codes = selectCodes({});
    assert.deepEqual(codes, [...POP20_CC].sort());
    assert.equal(codes[0], "BD");
    assert.equal(codes.at(-1), "VN");
  });

  it("expands first letters and keeps codes, sorted and unique", () => {
    const codes = selectCodes({ args: ["z", "br", "BR", "A"] });
    assert.equal(codes.length, 26 + 1 + 26);
    assert.deepEqual(codes.slice(0, 2), ["AA", "AB"]);
    assert.ok(codes.includes("BR"));
    assert.equal(codes.at(-1), "ZZ");
  });

  it("cuts the sorted codes with the limit", () => {
    assert.deepEqual(selectCodes({ args: ["us", "br", "cn"], limit: 2 }), ["BR", "CN"]);
    assert.deepEqual(selectCodes({ limit: 3 }), ["BD", "BR", "CD"]);
  });

  it("reads the 194 codes of data/country_codes.txt for --all", () => {
    const all = selectCodes({ all: true, args: ["BR"] });
    assert.equal(all.length, 194);
    assert.deepEqual(all, readCountryCodes());
    assert.equal(all[0], "AD");
    assert.equal(all.at(-1), "ZW");
  });

  it("gives AA..ZZ for --every, which beats --all and arguments", () => {
    const every = selectCodes({ every: true, all: true, args: ["BR"] });
    assert.equal(every.length, 676);
    assert.equal(every[0], "AA");
    assert.equal(every.at(-1), "ZZ");
  });

  it("rejects anything but a letter or a pair of letters", () => {
    for (const bad of ["BRA", "1", "B1", "", "é"]) {
      assert.throws(() => selectCodes({ args: [bad] }), RangeError, bad);
    }
    assert.throws(
      () => selectCodes({ args: ["ABC"] }),
      /each CC argument must be A to Z or AA to ZZ, got 'ABC'/,
    );
  });
});

describe("concurrency", () => {
  it("is min(--max-req, the executor's maximum, number of codes)", () => {
    assert.equal(actualConcurrency("async", undefined, 676), 5);
    assert.equal(actualConcurrency("threads", undefined, 676), 30);
    assert.equal(actualConcurrency("sequential", 50, 676), 1);
    assert.equal(actualConcurrency("async", 5000, 676), 676);
    assert.equal(actualConcurrency("async", 5000, 2000), 1000);
    assert.equal(actualConcurrency("threads", 1000, 676), EXECUTORS.threads.downloads.maxConcurrency);
    assert.equal(actualConcurrency("processes", 1000, 676), EXECUTORS.processes.downloads.maxConcurrency);
    assert.equal(actualConcurrency("async", 100, 3), 3);
  });
});

describe("server choice", () => {
  it("maps labels to loopback ports, which the environment can move", () => {
    assert.equal(resolveServer("local", {}).url, "http://127.0.0.1:8001/flags");
    assert.equal(resolveServer("DELAY", {}).url, "http://127.0.0.1:8002/flags");
    assert.equal(resolveServer("Error", {}).url, "http://127.0.0.1:8003/flags");
    const moved = resolveServer("LOCAL", { FUTURES_LOCAL_PORT: "18001" });
    assert.equal(moved.url, "http://127.0.0.1:18001/flags");
    assert.deepEqual(moved.local, { label: "LOCAL", host: "127.0.0.1", port: 18001 });
  });

  it("knows REMOTE and takes any http(s) base URL", () => {
    assert.equal(resolveServer("remote", {}).url, REMOTE_URL);
    const url = resolveServer("http://example.test:9000/some/flags/", {});
    assert.deepEqual(url, { label: "URL", url: "http://example.test:9000/some/flags" });
  });

  it("rejects unknown labels, other schemes and bad ports", () => {
    assert.throws(() => resolveServer("NOWHERE", {}), /--server must be one of DELAY, ERROR, LOCAL, REMOTE/);
    assert.throws(() => resolveServer("ftp://example.test/flags", {}), RangeError);
    assert.throws(() => resolveServer("LOCAL", { FUTURES_LOCAL_PORT: "70000" }), /FUTURES_LOCAL_PORT/);
    assert.throws(
      () => resolveServer("https://me:pw@example.test/flags", {}),
      /^RangeError: --server: a user name or password in the URL is not supported, got 'https:\/\/\*\*\*@example\.test\/flags'$/,
    );
    assert.throws(
      () => resolveServer("http://me:p/w@x@example.test", {}),
      /got 'http:\/\/\*\*\*@example\.test'$/,
    );
  });
});

describe("command line settings", () => {
  it("has the book's defaults", () => {
    const settings = parseFlagsArgs([], {}, {});
    assert.equal(settings.codes.length, 20);
    assert.equal(settings.executor, "async");
    assert.equal(settings.concurrency, 5);
    assert.equal(settings.server.label, "LOCAL");
    assert.equal(settings.dest, "downloads");
    assert.equal(settings.retries, 0);
    assert.equal(settings.timeoutMs, 5000);
    assert.equal(settings.maxFileSize, 1024 * 1024);
    assert.equal(settings.progress, true);
  });

  it("reads --max-filesize in bytes, or with a K, M or G suffix (1024-based), up to 1G", () => {
    const cases: [string, number][] = [
      ["1", 1],
      ["24480", 24480],
      ["500k", 500 * 1024],
      ["2M", 2 * 1024 ** 2],
      [" 1G ", 1024 ** 3],
    ];
    for (const [text, bytes] of cases)
      assert.equal(parseFlagsArgs([], { maxFilesize: text }, {}).maxFileSize, bytes);
  });

  it("reads every option", () => {
    const settings = parseFlagsArgs(
      ["b"],
      {
        limit: "10",
        maxReq: "3",
        server: "ERROR",
        executor: "Threads",
        dest: "out",
        retries: "2",
        timeout: "0.5",
        overwrite: true,
        json: true,
        progress: false,
        verbose: true,
      },
      {},
    );
    assert.deepEqual(settings.codes, ["BA", "BB", "BC", "BD", "BE", "BF", "BG", "BH", "BI", "BJ"]);
    assert.equal(settings.concurrency, 3);
    assert.equal(settings.executor, "threads");
    assert.equal(settings.server.label, "ERROR");
    assert.equal(settings.timeoutMs, 500);
    assert.equal(settings.retries, 2);
    assert.equal(settings.overwrite && settings.json && settings.verbose && !settings.progress, true);
  });

  it("turns every bad value into a UsageError", () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [[], { limit: "0" }, /--limit N must be a whole number >= 1, got '0'/],
      [[], { limit: "x" }, /--limit N/],
      [[], { maxReq: "0" }, /--max-req N must be a whole number >= 1/],
      [[], { maxReq: "many" }, /--max-req N/],
      [[], { server: "FAST" }, /--server must be one of/],
      [
        [],
        { executor: "fibers" },
        /--executor must be one of sequential, threads, processes, async, queue, got 'fibers'/,
      ],
      [
        [],
        { timeout: "0" },
        /--timeout SECONDS must be a number of seconds more than 0 and at most 2147483, got '0'/,
      ],
      [
        [],
        { timeout: "-1" },
        /--timeout SECONDS must be a number of seconds more than 0 and at most 2147483, got '-1'/,
      ],
      [[], { timeout: "soon" }, /--timeout SECONDS/],
      [[], { retries: "-1" }, /--retries N must be a whole number from 0 to 100/],
      [[], { retries: "1.5" }, /--retries N/],
      [[], { dest: " " }, /--dest DIR must name a folder/],
      [
        [],
        { maxFilesize: "0" },
        /--max-filesize BYTES must be a whole number of bytes from 1 to 1G, .*got '0'/,
      ],
      [[], { maxFilesize: "2G" }, /--max-filesize BYTES .*got '2G'/],
      [[], { maxFilesize: "1.5M" }, /--max-filesize BYTES/],
      [[], { maxFilesize: "-1" }, /--max-filesize BYTES/],
      [[], { maxFilesize: "10MB" }, /--max-filesize BYTES/],
      [[], { maxFilesize: "" }, /--max-filesize BYTES/],
      [["XYZ"], {}, /each CC argument/],
    ];
    for (const [args, options, message] of bad) {
      assert.throws(
        () => parseFlagsArgs(args, options, {}),
        (error: unknown) => {
          assert.ok(error instanceof UsageError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  it("takes a number too large to hold as 'as many as possible', with a note when it is clamped", () => {
    const huge = "99999999999999999999";
    const settings = parseFlagsArgs([], { every: true, maxReq: huge, limit: huge }, {});
    assert.equal(settings.codes.length, 676);
    assert.equal(settings.concurrency, 676, "then cut to the number of codes");
    assert.deepEqual(settings.notes, [
      `note: --max-req ${huge} is more than async allows; using at most 1000`,
    ]);
    assert.deepEqual(parseFlagsArgs([], { maxReq: "5" }, {}).notes, []);
  });
});
