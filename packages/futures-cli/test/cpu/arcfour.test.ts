import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { arcfour } from "../../src/cpu/arcfour.ts";
import { arcfourWasm } from "../../src/cpu/arcfour-wasm.ts";
import { ARCFOUR_KEY, ARCFOUR_SIZE, arcfourJobSizes, arcfourTest } from "../../src/cpu/arcfour-job.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));

// draft-kaukonen-cipher-arcfour-03, the three test vectors (standard RC4: one key-schedule loop).
const VECTORS = [
  {
    name: "CRYPTLIB",
    key: hex("0123456789ABCDEF"),
    plain: hex("0000000000000000"),
    cipher: hex("7494C2E7104B0879"),
  },
  {
    name: "COMMERCE",
    key: hex("618a63d2fb"),
    plain: hex("dcee4cf92c"),
    cipher: hex("f13829c9de"),
  },
  {
    name: "SSH ARCFOUR",
    key: hex("29041972fb42ba5fc7127712f13829c9"),
    plain: hex(`
527569736c696e6e756e206c61756c75206b6f727669737373616e692c2074e4
      686be470e46964656e2070e4e46c6ce42074e47973696b75752e204b6573e479
      f66e206f6e206f6e6e69206f6d616e616e692c206b61736b6973617675756e20
      6c61616b736f7420766572686f75752e20456e206d6120696c6f697473652c20
      737572652068756f6b61612c206d75747461206d657473e46e2074756d6d7575
      73206d756c6c652074756f6b61612e205075756e746f2070696c76656e2c206d
      692068756b6b75752c207369696e746f20766172616e207475756c6973656e2c
      206d69206e756b6b75752e2054756f6b7375742076616e616d6f6e206a612076
      61726a6f74207665656e2c206e69697374e420737964e46d656e69206c61756c
      756e207465656e2e202d2045696e6f204c65696e6f`),
    cipher: hex(`
      358186999001e6b5daf05eceeb7eee21e0689c1f00eea81f7dd2caaee1d2763e
      68af0ead33d66c268bc946c484fbe94c5f5e0b86a59279e4f824e7a640bd2232
      10b0a61160b7bce986ea65688003596b630a6b90f8e0caf6912a98eb872176e8
      3c202caa64166d2cce57ff1bca57b213f0ed1aa72fb8ea52b0be01cd1e412867
      720b326eb389d011bd70d8af035fb0d8589dbce3c666f5ea8d4c7954c50c3f34
      0b0467f81b425961c11843074df620f208404b394cf9d37ff54b5f1ad8f6ea7d
      a3c561dfa7281f964463d2cc35a4d1b03490dec51b0711fbd6f55f79234d5b7c
      766622a66de92be996461d5e4dc878ef9bca030521e8351e4baed2fd04f94673
      68c4ad6ac186d08245b263a2666d1f6c5420f1599dfd9f438921c2f5a463938c
      e0982265eef70179bc553f339eb1a4c1af5f6a547f`),
  },
];

/** The book's arcfour.py written plainly: the optimized cipher must agree with it. */
function referenceArcfour(key: Uint8Array, data: Uint8Array, loops: number): Uint8Array {
  const kbox = Array.from({ length: 256 }, (_, i) => key[i % key.length]!);
  const sbox = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let k = 0; k < loops; k++) {
    for (let i = 0; i < 256; i++) {
      j = (j + sbox[i]! + kbox[i]!) % 256;
      [sbox[i], sbox[j]] = [sbox[j]!, sbox[i]!];
    }
  }
  const out = new Uint8Array(data.length);
  let i = 0;
  j = 0;
  data.forEach((byte, n) => {
    i = (i + 1) % 256;
    j = (j + sbox[i]!) % 256;
    [sbox[i], sbox[j]] = [sbox[j]!, sbox[i]!];
    out[n] = byte ^ sbox[(sbox[i]! + sbox[j]!) % 256]!;
  });
  return out;
}

const randomInt = (max: number) => randomBytes(4).readUInt32LE() % max;

// The readable TypeScript cipher and the WebAssembly kernel the jobs run, held to the same tests.
const IMPLEMENTATIONS = [
  { name: "arcfour (TypeScript)", arcfour },
  { name: "arcfourWasm (WebAssembly)", arcfour: arcfourWasm },
];

for (const { name: implementation, arcfour } of IMPLEMENTATIONS) {
  describe(implementation, () => {
    for (const { name, key, plain, cipher } of VECTORS) {
      it(`matches the ${name} test vector`, () => {
        assert.equal(plain.length, cipher.length);
        assert.deepEqual(arcfour(key, plain, 1), cipher);
        assert.deepEqual(arcfour(key, cipher, 1), plain);
      });
    }

    it("agrees with a plain implementation for loops 1, 2 and 20, at every alignment and short length", () => {
      for (const loops of [1, 2, 20]) {
        // Past 16, so that the WebAssembly kernel's eight-byte steps and its byte tail both run.
        for (let length = 0; length < 20; length++) {
          for (let offset = 0; offset < 4; offset++) {
            const key = randomBytes(1 + randomInt(256));
            const data = new Uint8Array(randomBytes(length + offset).buffer, offset, length);
            assert.deepEqual(arcfour(key, data, loops), referenceArcfour(key, data, loops));
          }
        }
        const key = randomBytes(16);
        const data = new Uint8Array(randomBytes(70_001 + 3).buffer, 3, 70_001);
        assert.deepEqual(arcfour(key, data, loops), referenceArcfour(key, data, loops));
      }
    });

    it("round-trips random keys and sizes, including empty data and a 256-byte key", () => {
      const cases: [number, number][] = [
        [1, 0],
        [256, 0],
        [256, 1],
        [256, 100_003],
        [5, 4096],
        [44, 2 ** 18],
      ];
      for (let n = 0; n < 20; n++) cases.push([1 + randomInt(256), randomInt(50_000)]);
      for (const [keyLength, size] of cases) {
        const key = randomBytes(keyLength);
        const data = randomBytes(size);
        for (const loops of [1, 20]) {
          const encrypted = arcfour(key, data, loops);
          assert.equal(encrypted.length, size);
          if (size >= 16) assert.notDeepEqual(encrypted, new Uint8Array(data));
          assert.deepEqual(arcfour(key, encrypted, loops), new Uint8Array(data));
        }
      }
    });

    it("writes into a given array of the data's length, in place too, at any alignment of either", () => {
      for (const length of [0, 5, 17, 70_001]) {
        for (const [offset, intoOffset] of [
          [0, 0],
          [1, 1],
          [3, 0],
          [0, 2],
          [1, 3],
        ] as const) {
          const key = randomBytes(1 + randomInt(256));
          const data = new Uint8Array(randomBytes(length + offset).buffer, offset, length);
          const expected = referenceArcfour(key, data, 20);
          const into = new Uint8Array(new ArrayBuffer(length + intoOffset), intoOffset, length);
          assert.equal(arcfour(key, data, 20, into), into);
          assert.deepEqual(into, expected, `${length} bytes, offsets ${offset} and ${intoOffset}`);
          const copy = new Uint8Array(new ArrayBuffer(length + offset), offset, length);
          copy.set(data);
          assert.equal(arcfour(key, copy, 20, copy), copy);
          assert.deepEqual(copy, expected, `${length} bytes in place at offset ${offset}`);
        }
      }
    });

    it("gives a different stream for 20 key-schedule loops than for 1", () => {
      const data = new Uint8Array(64);
      assert.notDeepEqual(arcfour(ARCFOUR_KEY, data, 20), arcfour(ARCFOUR_KEY, data, 1));
    });

    it("rejects keys of 0 or more than 256 bytes, bad loop counts and an into array of another length", () => {
      assert.throws(() => arcfour(new Uint8Array(0), new Uint8Array(4)), RangeError);
      assert.throws(() => arcfour(new Uint8Array(257), new Uint8Array(4)), RangeError);
      assert.throws(() => arcfour(new Uint8Array(4), new Uint8Array(4), 0), RangeError);
      assert.throws(() => arcfour(new Uint8Array(4), new Uint8Array(4), 1.5), RangeError);
      assert.throws(() => arcfour(new Uint8Array(4), new Uint8Array(4), 1, new Uint8Array(3)), RangeError);
    });

    it("agrees with OpenSSL's RC4", (t) => {
      const oracles = workingRc4Oracles();
      if (oracles.length === 0) {
        t.skip("neither the openssl command nor Node's crypto offers RC4 here");
        return;
      }
      for (const rc4 of oracles) {
        t.diagnostic(`compared with ${rc4.name}`);
        for (const keyLength of rc4.keyLengths) {
          const key = randomBytes(keyLength);
          const data = randomBytes(randomInt(20_000));
          assert.deepEqual(arcfour(key, data, 1), new Uint8Array(rc4.encrypt(key, data)), rc4.name);
        }
      }
    });
  });
}

describe("the WebAssembly kernel against the TypeScript cipher", () => {
  it("gives the same bytes for random keys, loops and lengths, across its 64 KiB chunks", () => {
    const lengths = [0, 1, 3, 4, 65_535, 65_536, 65_537, 3 * 65_536 + 17];
    for (let n = 0; n < 20; n++) lengths.push(randomInt(300_000));
    for (const length of lengths) {
      const key = randomBytes(1 + randomInt(256));
      const loops = 1 + randomInt(25);
      const offset = randomInt(4);
      const data = new Uint8Array(randomBytes(length + offset).buffer, offset, length);
      assert.deepEqual(arcfourWasm(key, data, loops), arcfour(key, data, loops), `${length} bytes`);
    }
  });

  it("starts every call from a fresh key schedule", () => {
    const data = randomBytes(1000);
    const first = arcfourWasm(ARCFOUR_KEY, data);
    arcfourWasm(randomBytes(7), randomBytes(70_000), 3);
    assert.deepEqual(arcfourWasm(ARCFOUR_KEY, data), first);
  });
});

describe("arcfourTest job", () => {
  it("uses the book's decreasing sizes: 12 jobs from 1.5 times the middle size down to 0.58 times", () => {
    const sizes = arcfourJobSizes(12, 2 ** 18);
    assert.equal(sizes.length, 12);
    assert.equal(sizes[0], 393_216);
    assert.equal(sizes.at(-1), 152_918);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! < sizes[i - 1]!);
    assert.equal(arcfourJobSizes()[0], ARCFOUR_SIZE * 1.5);
  });

  it("returns the size after a successful round trip, on either kernel", () => {
    for (const kernel of ["wasm", "typescript"] as const) {
      assert.equal(arcfourTest(1000, ARCFOUR_KEY, kernel), 1000);
      assert.equal(arcfourTest(0, ARCFOUR_KEY, kernel), 0);
    }
  });
});

interface Rc4Oracle {
  name: string;
  keyLengths: number[];
  encrypt(key: Uint8Array, data: Uint8Array): Buffer;
}

/** OpenSSL's RC4 through the openssl command (legacy provider or not) and Node's crypto with the legacy provider: those that work here. */
function workingRc4Oracles(): Rc4Oracle[] {
  const probeKey = VECTORS[2]!.key;
  const probe = VECTORS[2]!.plain;
  const expected = Buffer.from(VECTORS[2]!.cipher);
  const candidates: Rc4Oracle[] = [];
  for (const providers of [[], ["-provider", "legacy", "-provider", "default"]]) {
    candidates.push({
      name: `openssl enc -rc4 ${providers.join(" ")}`.trim(),
      // The command takes fixed key sizes: -rc4 is 128-bit, -rc4-40 is 40-bit.
      keyLengths: [16, 5],
      encrypt: (key, data) => {
        const cipher = key.length === 16 ? "-rc4" : "-rc4-40";
        const hexKey = Buffer.from(key).toString("hex");
        const args = ["enc", cipher, "-K", hexKey, "-nosalt", ...providers];
        const result = spawnSync("openssl", args, { input: data, timeout: 10_000 });
        if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
        return result.stdout;
      },
    });
  }
  candidates.push({
    name: "node --openssl-legacy-provider crypto rc4",
    keyLengths: [1, 7, 16, 40, 256],
    encrypt: (key, data) => {
      const script =
        "const c=require('node:crypto');const k=Buffer.from(process.argv[1],'hex');" +
        "const x=c.createCipheriv('rc4',k,null);const chunks=[];process.stdin.on('data',d=>chunks.push(x.update(d)));" +
        "process.stdin.on('end',()=>{chunks.push(x.final());process.stdout.write(Buffer.concat(chunks))})";
      const args = ["--openssl-legacy-provider", "-e", script, Buffer.from(key).toString("hex")];
      const result = spawnSync(process.execPath, args, { input: data, timeout: 10_000 });
      if (result.status !== 0) throw new Error(`node rc4 failed: ${result.stderr}`);
      return result.stdout;
    },
  });
  return candidates.filter((candidate) => {
    try {
      return candidate.encrypt(probeKey, probe).equals(expected);
    } catch {
      return false;
    }
  });
}
