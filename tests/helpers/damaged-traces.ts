// Damaged copies of a trace for the parser's bad-input tests: cut at seeded random points after
// the 16-byte header, and with one to five seeded random bits flipped (the same copies every run).
import { seededRandom } from './seeded-random.mjs';

export function damagedCopies(original: Uint8Array, seed: number, cuts: number, flips: number): Uint8Array[] {
  const random = seededRandom(seed);
  const below = (n: number): number => Math.floor(random() * n);
  const copies: Uint8Array[] = [];
  for (let i = 0; i < cuts; i++) copies.push(original.subarray(0, 16 + below(original.length - 16)));
  for (let i = 0; i < flips; i++) {
    const b = original.slice();
    for (let k = 0; k <= below(5); k++) b[16 + below(b.length - 16)] ^= 1 << below(8);
    copies.push(b);
  }
  return copies;
}
