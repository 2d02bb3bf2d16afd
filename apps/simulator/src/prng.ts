/**
 * Seeded pseudo-random numbers, so a simulation with the same seed and the same timestamps
 * produces the same values (tests depend on it; Math.random is never used here).
 * mulberry32 is a well-known 32-bit generator: tiny, fast and good enough for simulated noise;
 * a dependency would add nothing but a download.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Normal with the given mean and standard deviation (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** FNV-1a: a string seed (e.g. `42:inverter-1`) -> 32-bit state, so each device has its own stream. */
export function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: number | string): Rng {
  let a = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal: (mean = 0, sd = 1) => {
      const u = 1 - next(); // (0, 1]: log(0) never happens
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    chance: (p) => next() < p,
  };
}

/**
 * Ornstein-Uhlenbeck step: a value that wanders randomly but is pulled back towards `mean`
 * (cloud cover, load, valve position). `thetaPerS` is the pull rate, `sigma` the noise per sqrt(s).
 */
export function ouStep(x: number, mean: number, thetaPerS: number, sigma: number, dtMs: number, rng: Rng): number {
  const dt = dtMs / 1000;
  return x + thetaPerS * (mean - x) * dt + sigma * Math.sqrt(dt) * rng.normal();
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
