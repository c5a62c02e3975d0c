// Primality by trial division, the 2nd edition's is_prime, exact for integers beyond 2^53.
//
// The numbers of the book reach 10^16, past the 2^53 where a JS number stops being exact,
// and BigInt division is far too slow for the 5 * 10^7 divisions such a prime needs. So n is
// cut into limbs of w bits and n mod d is computed by Horner's rule in doubles, where w is
// chosen so that every intermediate value stays below 2^52 and is therefore exact.

/** The 20 numbers of the 2nd edition's primes.py, with whether each is prime. */
export const PRIME_FIXTURE: readonly (readonly [bigint, boolean])[] = [
  [2n, true],
  [142702110479723n, true],
  [299593572317531n, true],
  [3333333333333301n, true],
  [3333333333333333n, false],
  [3333335652092209n, false],
  [4444444444444423n, true],
  [4444444444444444n, false],
  [4444444488888889n, false],
  [5555553133149889n, false],
  [5555555555555503n, true],
  [5555555555555555n, false],
  [6666666666666666n, false],
  [6666666666666719n, true],
  [6666667141414921n, false],
  [7777777536340681n, false],
  [7777777777777753n, true],
  [7777777777777777n, false],
  [9999999999999917n, true],
  [9999999999999999n, false],
];

export const PRIME_NUMBERS: readonly bigint[] = PRIME_FIXTURE.map(([n]) => n);

const EXACT_BITS = 52;

/**
 * True when n is prime, by trial division. Accepts a safe integer, a bigint or a decimal
 * string. A number with a small factor is quick at any size; a prime takes time that grows
 * with its square root (about a minute near 2^64), so very large primes are out of reach.
 */
export function isPrime(value: number | bigint | string): boolean {
  const n = toBigInt(value);
  if (n < 2n) return false;
  if (n === 2n) return true;
  if ((n & 1n) === 0n) return false;
  const root = Number(isqrt(n));
  if (n < 1n << BigInt(EXACT_BITS)) return noOddDivisor(Number(n), root);
  // Divisors below 2^bits allow limbs of 52 - bits bits: (remainder < d) * 2^w stays below
  // 2^52. So the divisors are tried in ranges of equal bit length, each with its own limbs.
  // (Divisors past 2^51 would need limbs of no bits, but reaching them takes 2^50 divisions.)
  for (let bits = 2, from = 3; from <= root; bits++) {
    const to = Math.min(root, 2 ** bits - 1);
    const width = EXACT_BITS - bits;
    const limbs = toLimbs(n, width);
    const clear =
      limbs.length === 2
        ? noOddDivisor2(limbs[0]!, limbs[1]!, 2 ** width, from, to)
        : noOddDivisorN(limbs, 2 ** width, from, to);
    if (!clear) return false;
    from = to + 2;
  }
  return true;
}

/** Integer square root: the largest r with r * r <= n. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  // Newton's method from a power of two above the root; it decreases to the answer.
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

function toBigInt(value: number | bigint | string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer; pass a bigint`);
    return BigInt(value);
  }
  if (!/^\s*[-+]?\d+\s*$/.test(value)) throw new SyntaxError(`not a whole number: '${value}'`);
  return BigInt(value.trim());
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** Most significant first; the top limb may be wider than `width` but stays below 2^52. */
function toLimbs(n: bigint, width: number): number[] {
  const mask = (1n << BigInt(width)) - 1n;
  const limbs: number[] = [];
  while (n >= 1n << BigInt(EXACT_BITS)) {
    limbs.unshift(Number(n & mask));
    n >>= BigInt(width);
  }
  limbs.unshift(Number(n));
  return limbs;
}

// In the loops below x - floor(x / d) * d is congruent to x mod d and exactly 0 when d
// divides x: the rounded quotient is off by at most one, so the product stays exact. The
// remainder may be off by d, which a following Horner step tolerates (it stays congruent).

function noOddDivisor(n: number, root: number): boolean {
  for (let d = 3; d <= root; d += 2) {
    if (n - Math.floor(n / d) * d === 0) return false;
  }
  return true;
}

function noOddDivisor2(high: number, low: number, base: number, from: number, to: number): boolean {
  for (let d = from; d <= to; d += 2) {
    const x = (high - Math.floor(high / d) * d) * base + low;
    if (x - Math.floor(x / d) * d === 0) return false;
  }
  return true;
}

function noOddDivisorN(limbs: number[], base: number, from: number, to: number): boolean {
  for (let d = from; d <= to; d += 2) {
    let x = limbs[0]!;
    for (let k = 1; k < limbs.length; k++) x = (x - Math.floor(x / d) * d) * base + limbs[k]!;
    if (x - Math.floor(x / d) * d === 0) return false;
  }
  return true;
}
