// RC4 ("arcfour") with the CipherSaber-2 repeated key schedule, as in the book's arcfour.py.
//
// The key schedule runs `loops` times (CipherSaber-2 recommends 20); loops = 1 is standard
// RC4. Speed comes from three things measured on V8: the state is an Int32Array (no byte
// widening on every access), four keystream bytes are packed into one 32-bit word and XORed
// with the input a word at a time, and nothing is allocated inside the loop.

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Encrypt or decrypt `data` (RC4 is its own inverse) with a key of 1 to 256 bytes, into a new
 * array or into `into` (as long as `data`; `data` itself encrypts in place, any other overlap
 * is not allowed), which it returns.
 */
export function arcfour(key: Uint8Array, data: Uint8Array, loops = 20, into?: Uint8Array): Uint8Array {
  checkArcfourArguments(key, loops, data, into);
  const sbox = keySchedule(key, loops);
  // Give a new output the input's alignment, so both can be read as 32-bit words at one offset.
  const shift = data.byteOffset & 3;
  const out = into ?? new Uint8Array(new ArrayBuffer(data.length + shift), shift, data.length);
  const aligned = littleEndian && (out.byteOffset & 3) === shift;
  const head = aligned ? Math.min((4 - shift) & 3, data.length) : data.length;
  const words = (data.length - head) >>> 2;
  const state = { i: 0, j: 0 };
  cryptBytes(sbox, state, data, out, 0, head);
  if (words > 0) {
    cryptWords(
      sbox,
      state,
      new Int32Array(data.buffer, data.byteOffset + head, words),
      new Int32Array(out.buffer, out.byteOffset + head, words),
    );
  }
  cryptBytes(sbox, state, data, out, head + words * 4, data.length);
  return out;
}

/** The checks shared by every RC4 implementation here: a RangeError for a bad key, loop count or destination. */
export function checkArcfourArguments(
  key: Uint8Array,
  loops: number,
  data: Uint8Array,
  into: Uint8Array | undefined,
): void {
  if (key.length < 1 || key.length > 256) {
    throw new RangeError(`arcfour key must be 1 to 256 bytes, got ${key.length}`);
  }
  if (!Number.isInteger(loops) || loops < 1)
    throw new RangeError(`loops must be an integer >= 1, got ${loops}`);
  if (into !== undefined && (!(into instanceof Uint8Array) || into.length !== data.length))
    throw new RangeError(`into must be a Uint8Array of ${data.length} bytes, like the data`);
}

function keySchedule(key: Uint8Array, loops: number): Int32Array {
  const sbox = new Int32Array(256);
  for (let i = 0; i < 256; i++) sbox[i] = i;
  const keyLength = key.length;
  let j = 0;
  for (let loop = 0; loop < loops; loop++) {
    for (let i = 0; i < 256; i++) {
      const si = sbox[i]!;
      j = (j + si + key[i % keyLength]!) & 0xff;
      sbox[i] = sbox[j]!;
      sbox[j] = si;
    }
  }
  return sbox;
}

interface Cursor {
  i: number;
  j: number;
}

function cryptBytes(
  sbox: Int32Array,
  state: Cursor,
  data: Uint8Array,
  out: Uint8Array,
  from: number,
  to: number,
) {
  let { i, j } = state;
  for (let n = from; n < to; n++) {
    i = (i + 1) & 0xff;
    const si = sbox[i]!;
    j = (j + si) & 0xff;
    const sj = sbox[j]!;
    sbox[i] = sj;
    sbox[j] = si;
    out[n] = data[n]! ^ sbox[(si + sj) & 0xff]!;
  }
  state.i = i;
  state.j = j;
}

/** Four keystream bytes per step, least significant first (only used on little-endian hosts). */
function cryptWords(sbox: Int32Array, state: Cursor, data: Int32Array, out: Int32Array) {
  let { i, j } = state;
  for (let w = 0; w < data.length; w++) {
    let si, sj, k;
    i = (i + 1) & 0xff;
    si = sbox[i]!;
    j = (j + si) & 0xff;
    sj = sbox[j]!;
    sbox[i] = sj;
    sbox[j] = si;
    k = sbox[(si + sj) & 0xff]!;
    i = (i + 1) & 0xff;
    si = sbox[i]!;
    j = (j + si) & 0xff;
    sj = sbox[j]!;
    sbox[i] = sj;
    sbox[j] = si;
    k |= sbox[(si + sj) & 0xff]! << 8;
    i = (i + 1) & 0xff;
    si = sbox[i]!;
    j = (j + si) & 0xff;
    sj = sbox[j]!;
    sbox[i] = sj;
    sbox[j] = si;
    k |= sbox[(si + sj) & 0xff]! << 16;
    i = (i + 1) & 0xff;
    si = sbox[i]!;
    j = (j + si) & 0xff;
    sj = sbox[j]!;
    sbox[i] = sj;
    sbox[j] = si;
    k |= sbox[(si + sj) & 0xff]! << 24;
    out[w] = data[w]! ^ k;
  }
  state.i = i;
  state.j = j;
}
