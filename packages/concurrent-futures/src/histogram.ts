// A histogram of durations in fixed memory, for executors' wait and run times that are
// always measured: log-linear buckets (HDR-style), 16 per power of two of microseconds, so a
// percentile is within about 3% of the true value, whatever the number of calls. Exact below
// 32 us; one bucket array of 608 counts covers up to 2^41 us (25 days), longer is counted there.
const SUB_BITS = 4;
const SUB = 1 << SUB_BITS; // buckets per power of two
const EXACT = 2 * SUB; // below this many microseconds, one bucket per microsecond
const MAX_EXPONENT = 40;
const BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUB + SUB;

/** Percentiles of one kind of duration, in milliseconds; all 0 while count is 0. */
export interface Percentiles {
  /** How many durations were recorded. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  /** The longest one, exact. */
  max: number;
}

export class LogHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #min = Infinity;
  #max = 0;

  /** Count one duration of `ms` milliseconds (negative or NaN counts as 0). */
  record(ms: number): void {
    if (!(ms > 0)) ms = 0;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
    if (ms < this.#min) this.#min = ms;
    this.#counts[bucketOf(Math.floor(ms * 1000))]!++;
  }

  get count(): number {
    return this.#count;
  }

  /** The value below which a share `q` (0 < q <= 1) of the durations fall, in milliseconds. */
  percentile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#counts[index]!;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, middleOf(index) / 1000));
    }
    return this.#max;
  }

  summary(): Percentiles {
    return {
      count: this.#count,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.#max,
    };
  }
}

/** The bucket of a duration of `us` whole microseconds. */
export function bucketOf(us: number): number {
  if (us < EXACT) return us;
  let exponent: number;
  let top: number;
  if (us < 2 ** 31) {
    exponent = 31 - Math.clz32(us);
    top = us >>> (exponent - SUB_BITS);
  } else {
    exponent = Math.min(MAX_EXPONENT, Math.floor(Math.log2(us)));
    top = Math.min(2 * SUB - 1, Math.floor(us / 2 ** (exponent - SUB_BITS)));
  }
  // top is in [SUB, 2 * SUB): the power of two's first SUB_BITS + 1 bits.
  return ((exponent - SUB_BITS + 1) << SUB_BITS) + (top - SUB);
}

/** The middle of a bucket, in microseconds. */
export function middleOf(index: number): number {
  if (index < EXACT) return index + 0.5;
  const exponent = (index >> SUB_BITS) + SUB_BITS - 1;
  const width = 2 ** (exponent - SUB_BITS);
  return ((index & (SUB - 1)) + SUB) * width + width / 2;
}
