/**
 * mulberry32, a small deterministic generator for tests that need the same pseudo-random
 * sequence every run (traffic, id runs). Not the simulator's RNG (src/sim/rng.ts): a test's
 * own input, which must not change when the model's streams do.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}
