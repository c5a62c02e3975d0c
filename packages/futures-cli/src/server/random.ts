// A small seeded pseudo-random generator, so a seed repeats the same fault sequence.
/** A source of numbers uniform in [0, 1). */
export type Random = () => number;

/** mulberry32: 32 bits of state, good enough statistics for fault injection, and tiny. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for when none is given; printed, so a run can be repeated. Math.random, not
 * node:crypto: a fault sequence needs no secret, and the server would load node:crypto for it.
 */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** One independent stream per listener, all derived from one seed. */
export function streamSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
}
