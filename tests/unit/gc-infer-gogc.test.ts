// GOGC read back from a gctrace log's goals (recorded.ts inferGogc). The runtime sets each goal to
// M + (M + stacks + globals) × GOGC/100 in bytes and gctrace prints every figure truncated to whole
// MiB. These logs are made the same way from known byte values with a seeded generator, so the
// truncation falls differently in every one: a run at the default GOGC=100 must read as 100 every
// time (the median of the printed ratios, used before, read 105 or 110 in 128 of these 300 logs, and CI met one), round
// settings exactly, unround ones within 5. Real recordings at known settings are checked in
// gc-self-replay.test.ts.
import { describe, expect, test } from 'vitest';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { inferGogc } from '../../src-main/analysis/gc/recorded';
import { mainProcess } from '../../src-main/analysis/gc/baseline';
import { seededRandom } from '../helpers/seeded-random.mjs';

const MiB = 2 ** 20;

/** A gctrace log of `cycles` paced cycles at `gogc`, its live heap wandering over `live` MiB. */
function gctraceAt(gogc: number, seed: number, cycles: number, live: [number, number]): string {
  const r = seededRandom(seed);
  const globals = Math.floor((0.05 + r() * 6) * MiB);
  const mb = (b: number): number => Math.floor(b / MiB);
  const lines: string[] = [];
  let marked = 4 * MiB;
  let stacks = Math.floor(r() * 0.6 * MiB);
  for (let n = 1; n <= cycles; n++) {
    const goal = n === 1 ? 4 * MiB : marked + Math.floor(((marked + stacks + globals) * gogc) / 100);
    const start = Math.floor(goal * (0.7 + 0.2 * r()));
    const end = Math.floor(goal * (0.95 + 0.1 * r()));
    marked = Math.floor((live[0] + r() * (live[1] - live[0])) * MiB);
    stacks = Math.floor(r() * 0.6 * MiB);
    lines.push(
      `gc ${n} @${(n * 0.05).toFixed(3)}s 5%: 0.02+3.1+0.01 ms clock, 0.05+0.4/2.9/0.1+0.03 ms cpu, ` +
        `${mb(start)}->${mb(end)}->${mb(marked)} MB, ${mb(goal)} MB goal, ${mb(stacks)} MB stacks, ${mb(globals)} MB globals, 2 P`,
    );
  }
  return lines.join('\n') + '\n';
}

// The corpus's default-p2/steady-gogc800 (Go 1.26, 2 Ps), whole.
const STEADY_GOGC800 = `gc 1 @0.018s 11%: 0.047+18+0.079 ms clock, 0.094+7.1/1.5/0+0.15 ms cpu, 31->57->41 MB, 33 MB goal, 0 MB stacks, 4 MB globals, 2 P
gc 2 @0.165s 4%: 0.035+16+0.064 ms clock, 0.070+2.4/3.8/0+0.12 ms cpu, 345->372->42 MB, 406 MB goal, 0 MB stacks, 4 MB globals, 2 P
`;

const inferredAt = (gogc: number, seed: number, cycles: number, live: [number, number]): number | null =>
  inferGogc(mainProcess(parseGctrace(gctraceAt(gogc, seed, cycles, live))));

describe('GOGC read from the goals of MiB-truncated gctrace lines', () => {
  test('the default 100 reads as 100 whatever the truncation, from 5 to 60 cycles and 8 to 120 MiB heaps', () => {
    const wrong: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const cycles = 6 + (seed % 56);
      const low = 8 + (seed % 7) * 8;
      const got = inferredAt(100, seed, cycles, [low, low * (1 + (seed % 3) * 0.5)]);
      if (got !== 100) wrong.push(`seed ${seed}: ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  test('round settings read exactly', () => {
    for (const gogc of [25, 50, 200, 400, 800]) {
      for (let seed = 1; seed <= 40; seed++) expect([gogc, seed, inferredAt(gogc, seed, 30, [12, 40])]).toEqual([gogc, seed, gogc]);
    }
  });

  // Truncation pins one cycle's GOGC to about ±(1 + GOGC/100) MiB over its heap: on heaps of 40 MiB
  // and more that is ±5 at GOGC 70 and ±10 at 260, and 30 cycles narrow it further. (On 12 MiB
  // heaps GOGC 260 can read as 250: every printed figure allows both.)
  test('unround settings read within 5 on heaps of 40 MiB and more', () => {
    for (const gogc of [70, 130, 175, 260]) {
      for (let seed = 1; seed <= 40; seed++) {
        const got = inferredAt(gogc, seed, 30, [40, 120]);
        expect(got, `GOGC ${gogc}, seed ${seed}`).not.toBeNull();
        expect(Math.abs(got! - gogc), `GOGC ${gogc}, seed ${seed}: ${got}`).toBeLessThanOrEqual(5);
      }
    }
  });

  test('two paced cycles over 8 MiB are enough; one under 32 MiB, or heaps under 8 MiB, say nothing', () => {
    for (let seed = 1; seed <= 40; seed++) expect([seed, inferredAt(800, seed, 3, [12, 40])]).toEqual([seed, 800]);
    expect(inferredAt(100, 1, 2, [12, 20])).toBeNull();
    expect(inferredAt(100, 1, 30, [1, 3])).toBeNull();
  });

  // A short run at GOGC 800 may have a single paced cycle (the corpus's default-p2/steady-gogc800:
  // 41 MiB marked, 4 MiB globals, a 406 MiB goal). Over 32 MiB of roots its interval holds one
  // multiple of 50 at most; where it holds none (an unround setting) or the heap is smaller, nothing is read.
  test('one paced cycle over 32 MiB reads a multiple of 50, and only that', () => {
    for (const gogc of [50, 100, 200, 400, 800]) {
      for (let seed = 1; seed <= 40; seed++) expect([gogc, seed, inferredAt(gogc, seed, 2, [36, 90])]).toEqual([gogc, seed, gogc]);
    }
    expect(inferGogc(mainProcess(parseGctrace(STEADY_GOGC800)))).toBe(800);
    const unround = [...Array(40).keys()].map((seed) => inferredAt(130, seed + 1, 2, [36, 90]));
    expect(unround.filter((g) => g !== null)).toEqual([]);
    expect(inferredAt(800, 1, 2, [12, 20])).toBeNull();
  });
});
