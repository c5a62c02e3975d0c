// The download step checks its arguments before anything else, whoever sent them (a queue
// job may be forged): a TypeError or RangeError names the bad one, nothing is fetched from
// another scheme and nothing is written outside the destination folder.
import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DownloadRequest } from "../../src/flags/download-one.ts";
import { checkDownloadArguments, downloadCheckedFlag } from "../../src/flags/download-step.ts";
import { saveFlag } from "../../src/flags/save-flag.ts";
import { makeTempDir, removeDir } from "./helpers.ts";

let root: string;
let server: Server;
let baseUrl: string;
const requested: string[] = [];

before(async () => {
  root = await makeTempDir();
  // Answers 200 with a body to any path: a write outside the folder would happen if allowed.
  server = createServer((request, response) => {
    requested.push(request.url ?? "");
    response.end("GIF89a anything");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await removeDir(root);
});

function requestFor(
  dest: string,
  fields: Partial<Record<keyof DownloadRequest, unknown>> = {},
): DownloadRequest {
  return {
    baseUrl,
    dest,
    timeout: 5000,
    retries: 0,
    overwrite: false,
    tempTag: "123-abc-def",
    connections: 1,
    ...fields,
  } as DownloadRequest;
}

/** Every file under `folder`, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).sort();
}

describe("the download step's argument checks", () => {
  it("refuses a code that is not two letters, before any request or write", async () => {
    const dest = join(root, "a", "b", "dest");
    await mkdir(dest, { recursive: true });
    for (const cc of ["/../../x", "../x", "b", "bra", "b1", "", "br\0"]) {
      await assert.rejects(downloadCheckedFlag(cc, requestFor(dest)), (error: Error) => {
        assert.ok(error instanceof RangeError, `${JSON.stringify(cc)}: ${error}`);
        assert.match(error.message, /^cc must be two letters/);
        return true;
      });
    }
    await assert.rejects(
      downloadCheckedFlag(42 as unknown as string, requestFor(dest)),
      /^TypeError: cc must be a string, got number/,
    );
    assert.deepEqual(requested, []);
    assert.deepEqual(await filesUnder(root), ["a", "a/b", "a/b/dest"]);
  });

  it("refuses a base URL of another scheme and every other argument of the wrong type or range", () => {
    const dest = join(root, "checks");
    const bad: [Partial<Record<keyof DownloadRequest, unknown>>, RegExp][] = [
      [
        { baseUrl: "file:///etc" },
        /^RangeError: request\.baseUrl must be an http:\/\/ or https:\/\/ URL, got a file: URL/,
      ],
      [{ baseUrl: "ftp://127.0.0.1/flags" }, /^RangeError: request\.baseUrl .* got a ftp: URL/],
      [{ baseUrl: "not a url" }, /^RangeError: request\.baseUrl/],
      [{ baseUrl: 7 }, /^TypeError: request\.baseUrl must be a string/],
      [{ dest: "" }, /^RangeError: request\.dest/],
      [{ dest: ["x"] }, /^TypeError: request\.dest must be a string, got an array/],
      [{ timeout: 0 }, /^RangeError: request\.timeout/],
      [{ timeout: "5" }, /^TypeError: request\.timeout must be a number/],
      [{ retries: 1e9 }, /^RangeError: request\.retries/],
      [{ retries: 1.5 }, /^RangeError: request\.retries/],
      [{ connections: 0 }, /^RangeError: request\.connections/],
      [{ overwrite: "yes" }, /^TypeError: request\.overwrite must be a boolean/],
      [{ tempTag: "../../x" }, /^RangeError: request\.tempTag/],
      [{ backoff: { baseDelay: -1, maxDelay: 1 } }, /^RangeError: request\.backoff\.baseDelay/],
      [{ backoff: 3 }, /^TypeError: request\.backoff must be an object/],
    ];
    for (const [fields, expected] of bad) {
      assert.throws(
        () => checkDownloadArguments("br", requestFor(dest, fields)),
        (error: Error) => {
          assert.match(String(error), expected, JSON.stringify(fields));
          return true;
        },
      );
    }
    assert.throws(
      () => checkDownloadArguments("br", null),
      /^TypeError: request must be an object, got null/,
    );
    assert.deepEqual(requested, []);
  });

  it("keeps only the known fields of a good request, and downloads with it", async () => {
    const dest = join(root, "good");
    await mkdir(dest);
    const request = { ...requestFor(dest), extra: "ignored" };
    assert.deepEqual(checkDownloadArguments("br", request), { ...requestFor(dest), backoff: undefined });
    const result = await downloadCheckedFlag("BR", request);
    assert.equal(result.status, "ok");
    assert.deepEqual(await filesUnder(dest), ["br.gif"]);
  });

  it("saveFlag itself never writes outside its folder", async () => {
    const dest = join(root, "c", "d", "dest");
    await mkdir(dest, { recursive: true });
    const body = Buffer.from("GIF89a");
    assert.throws(
      () => saveFlag(dest, "/../../x", body, { overwrite: false, tempTag: "t" }),
      /^RangeError: cc would write outside/,
    );
    assert.throws(
      () => saveFlag(dest, "br", body, { overwrite: false, tempTag: "x/../../../y" }),
      /^RangeError: tempTag would write outside/,
    );
    assert.deepEqual(await filesUnder(join(root, "c")), ["d", "d/dest"]);
  });
});
