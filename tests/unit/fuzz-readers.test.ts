// The fuzzing suite's short pass: a few thousand seeded mutations of real inputs per format
// through every registered reader (tests/fuzz/). Nothing may crash (only a message for the user:
// FormatError or GpwError, short and without terminal control characters), and every input is
// the same on every run. The long run is `npm run fuzz -- --seconds N` (tests/fuzz/fuzz.mjs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormatName } from '../../src-main/formats/detect-format';
// @ts-expect-error: plain .mjs helpers without types
import { loadSeeds } from '../fuzz/fuzz-seeds.mjs';
// @ts-expect-error: plain .mjs helpers without types
import { mutatedInput } from '../fuzz/mutate.mjs';
import { fuzzContext, readOne, registeredFormats } from '../fuzz/fuzz-target';
import { repoPath } from '../helpers/paths';

type Seed = { name: string; bytes: Uint8Array };
const RUN_SEED = 16;
/** Inputs per format; a slow format (the trace parser on a 190 kB seed) gets a smaller share. */
const PER_FORMAT: Partial<Record<FormatName, number>> = { gotrace: 400 };
const DEFAULT_PER_FORMAT = 2500;

const formats = registeredFormats();
let seeds: Record<string, Seed[]> = {};
const ctx = fuzzContext(repoPath('out/main/profile-worker.js'));

beforeAll(async () => {
  seeds = await loadSeeds(formats);
}, 300_000);
afterAll(() => ctx.close());

describe('fuzzing: seeded mutations of real inputs through every reader', () => {
  it('every registered reader has seeds', () => {
    for (const f of formats) expect(seeds[f]?.length, f).toBeGreaterThan(0);
  });

  for (const format of formats) {
    it(`${format}: no crash, only messages for the user`, async () => {
      const n = PER_FORMAT[format] ?? DEFAULT_PER_FORMAT;
      const counts = { ok: 0, refused: 0, crash: 0 };
      const crashes: string[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const input = mutatedInput(seeds[format], RUN_SEED, i, 256 * 1024) as { bytes: Uint8Array; seed: string };
        const o = await readOne(format, input.bytes, ctx);
        counts[o.kind]++;
        if (o.kind === 'crash' && crashes.length < 5) crashes.push(`input ${i} (from ${input.seed}, ${input.bytes.length} bytes): ${o.message.slice(0, 600)}`);
      }
      console.log(`fuzz ${format}: ${n} inputs in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${counts.ok} read, ${counts.refused} refused with a message, ${counts.crash} crashes`);
      expect(crashes).toEqual([]);
      // The mutations must reach the reader's depths, not only its first check.
      expect(counts.ok + counts.refused).toBe(n);
    }, 120_000);
  }
});
