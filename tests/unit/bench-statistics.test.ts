// gpw's median interval and Mann-Whitney U test against the statistics package benchstat is
// built on (github.com/aclements/go-moremath/stats, run by tests/go/benchmathref): the
// interval's order statistics for every sample size from 1 to 100 at four confidence levels, and
// the U test's p on random samples with and without ties, in the exact and the normal branches,
// and on equal samples.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { repoRoot } from '../go/go-gen.mjs';
import { quantileInterval } from '../../src-main/analysis/bench/median-ci';
import { mannWhitneyU } from '../../src-main/analysis/bench/mann-whitney';
import { seededRandom as rng } from '../helpers/seeded-random.mjs';

const bin = join(repoRoot, 'tests', '.tmp', 'benchmathref', `benchmathref-${process.pid}`);

beforeAll(async () => {
  mkdirSync(join(repoRoot, 'tests', '.tmp', 'benchmathref'), { recursive: true });
  await new Promise<void>((resolve, reject) =>
    execFile(process.env.GO || 'go', ['build', '-o', bin, '.'], { cwd: join(repoRoot, 'tests', 'go', 'benchmathref'), env: { ...process.env, GOWORK: 'off', GOFLAGS: '-buildvcs=false' }, timeout: 600_000 }, (err, _o, stderr) =>
      err ? reject(new Error(`go build tests/go/benchmathref: ${stderr || err.message}`)) : resolve(),
    ),
  );
}, 600_000);
afterAll(() => rmSync(bin, { force: true }));

interface Answers {
  intervals: { lo: number; hi: number; confidence: number }[];
  utests: { p: number; error?: string }[];
}

function ask(question: unknown): Promise<Answers> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, [], { maxBuffer: 64 << 20, timeout: 120_000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Answers)));
    child.stdin!.end(JSON.stringify(question));
  });
}

test('the median interval picks the same order statistics as benchmath, n = 1…100', async () => {
  const intervals = [0.95, 0.9, 0.99, 0.5].flatMap((confidence) => Array.from({ length: 100 }, (_, i) => ({ n: i + 1, confidence })));
  const ref = await ask({ intervals, utests: [] });
  intervals.forEach((q, i) => {
    const ours = quantileInterval(q.n, 0.5, q.confidence);
    const at = `n=${q.n} confidence=${q.confidence}`;
    expect([ours.lo, ours.hi], at).toEqual([ref.intervals[i].lo, ref.intervals[i].hi]);
    expect(Math.abs(ours.confidence - ref.intervals[i].confidence), at).toBeLessThan(1e-9);
  });
});

test('the U test gives benchmath’s p, with and without ties, exact and approximate', async () => {
  const r = rng(7);
  const utests: { x1: number[]; x2: number[] }[] = [];
  const sizes = [
    [1, 1], [2, 3], [3, 3], [4, 4], [5, 7], [6, 8], [10, 10], [12, 9], [20, 20], [25, 25], [26, 20], [30, 30], [50, 50], [51, 40], [60, 60],
  ];
  for (const [n1, n2] of sizes) {
    for (const grain of [0, 1, 10]) {
      // grain 0: continuous values (no ties); 1 and 10: rounded values, many ties.
      const draw = (shift: number) => {
        const v = 100 + shift + r() * 20;
        return grain === 0 ? v : Math.round(v / grain) * grain;
      };
      const shift = r() < 0.5 ? 0 : 5;
      utests.push({ x1: Array.from({ length: n1 }, () => draw(0)), x2: Array.from({ length: n2 }, () => draw(shift)) });
    }
  }
  utests.push({ x1: [5, 5, 5], x2: [5, 5, 5, 5] }, { x1: [1, 1, 1], x2: [2, 2, 2] }, { x1: Array(30).fill(3), x2: Array(30).fill(3) });
  const ref = await ask({ intervals: [], utests });
  utests.forEach((u, i) => {
    const ours = mannWhitneyU(u.x1, u.x2);
    const theirs = ref.utests[i];
    const at = `case ${i}: n=${u.x1.length}+${u.x2.length}`;
    if (theirs.error) {
      expect(ours.ok, at).toBe(false);
      if (!ours.ok) expect(ours.error, at).toBe(theirs.error);
      return;
    }
    expect(ours.ok, at).toBe(true);
    if (ours.ok) expect(Math.abs(ours.p - theirs.p), `${at}: ${ours.p} vs ${theirs.p}`).toBeLessThanOrEqual(1e-9 * Math.max(theirs.p, 1e-6));
  });
});
