// The committed data set: 194 codes, a decodable GIF and a metadata file for each.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_DATA_DIR } from "../../src/server/index.ts";

// omggif ships no type declarations; this is the part of its API the test uses.
interface GifFrame {
  width: number;
  height: number;
}
interface GifReaderInstance {
  width: number;
  height: number;
  numFrames(): number;
  frameInfo(index: number): GifFrame;
  decodeAndBlitFrameRGBA(index: number, pixels: Uint8Array): void;
}
const { GifReader } = createRequire(import.meta.url)("omggif") as {
  GifReader: new (buffer: Uint8Array) => GifReaderInstance;
};

const codes = (await readFile(join(DEFAULT_DATA_DIR, "country_codes.txt"), "utf8"))
  .split(/\s+/)
  .filter(Boolean);

describe("data set", () => {
  it("country_codes.txt has the book's 194 codes, upper case, sorted, unique", () => {
    assert.equal(codes.length, 194);
    assert.deepEqual(codes, [...new Set(codes)].sort());
    for (const cc of codes) assert.match(cc, /^[A-Z]{2}$/);
    assert.equal(codes[0], "AD");
    assert.equal(codes.at(-1), "ZW");
    for (const cc of ["BR", "CN", "IN", "US", "TW"]) assert.ok(codes.includes(cc), cc);
  });

  it("has exactly one folder per code", async () => {
    const folders = (await readdir(join(DEFAULT_DATA_DIR, "flags"))).sort();
    assert.deepEqual(
      folders,
      codes.map((cc) => cc.toLowerCase()),
    );
  });

  it("every flag is a GIF89a that decodes to a sensible image", async () => {
    let totalBytes = 0;
    for (const cc of codes.map((code) => code.toLowerCase())) {
      const gif = await readFile(join(DEFAULT_DATA_DIR, "flags", cc, `${cc}.gif`));
      totalBytes += gif.length;
      assert.equal(gif.subarray(0, 6).toString("latin1"), "GIF89a", cc);
      const reader = new GifReader(gif);
      assert.equal(reader.numFrames(), 1, cc);
      assert.equal(reader.width, 400, `${cc} width`);
      assert.ok(reader.height >= 150 && reader.height <= 600, `${cc} height ${reader.height}`);
      const pixels = new Uint8Array(reader.width * reader.height * 4);
      reader.decodeAndBlitFrameRGBA(0, pixels);
      assert.ok(distinctColours(pixels) >= 2, `${cc} is not a blank image`);
      assert.ok(gif.length > 300 && gif.length < 40_000, `${cc} is ${gif.length} bytes`);
    }
    assert.ok(totalBytes < 1_500_000, `the GIFs take ${totalBytes} bytes`);
  });

  it("every metadata.json has iso_cc, country and tld_cc", async () => {
    for (const cc of codes) {
      const path = join(DEFAULT_DATA_DIR, "flags", cc.toLowerCase(), "metadata.json");
      const metadata = JSON.parse(await readFile(path, "utf8"));
      assert.deepEqual(Object.keys(metadata).sort(), ["country", "iso_cc", "tld_cc"], cc);
      assert.equal(metadata.iso_cc, cc);
      assert.equal(typeof metadata.country, "string");
      assert.ok(metadata.country.length >= 4, `${cc}: ${metadata.country}`);
      assert.equal(metadata.tld_cc, cc === "GB" ? ".uk" : `.${cc.toLowerCase()}`);
    }
    const brazil = JSON.parse(await readFile(join(DEFAULT_DATA_DIR, "flags", "br", "metadata.json"), "utf8"));
    assert.deepEqual(brazil, { iso_cc: "BR", country: "Brazil", tld_cc: ".br" });
  });
});

function distinctColours(pixels: Uint8Array): number {
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length && colours.size < 2; i += 4 * 97) {
    colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
  }
  return colours.size;
}
