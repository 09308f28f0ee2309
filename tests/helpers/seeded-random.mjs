// A small deterministic random generator (mulberry32): the same seed gives the same numbers in
// [0, 1) on every run. Plain JS, so that node scripts (the fuzzer, the kill-9 trials) and the
// TypeScript tests share it (types: seeded-random.d.mts).

/** @param {number} seed @returns {() => number} */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
