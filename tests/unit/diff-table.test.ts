// The comparison table against `go tool pprof`: per function, base and new flat/cum equal pprof
// -top on each profile, and the change equals pprof -top -diff_base (and with -normalize).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { viewProfile } from '../../src-main/analysis/profile-view';
import { buildDiffTable, deltaPercent } from '../../src-main/analysis/diff-table';
import { pprofTop } from '../helpers/run';
import { ensureProfilePairs, pairProfile } from '../helpers/profpair';

beforeAll(() => ensureProfilePairs());

describe.each([
  { kind: 'cpu', sample: 'cpu', unit: 'nanoseconds' },
  { kind: 'heap', sample: 'alloc_space', unit: 'bytes' },
] as const)('comparison table of two $kind profiles', ({ kind, sample, unit }) => {
  const baseFile = pairProfile(`${kind}-a`);
  const newFile = pairProfile(`${kind}-b`);
  const load = (f: string) => decodePprof(readFileSync(f));

  it('has pprof -top on each side and pprof -diff_base as the change, ordered by |Δ flat|', async () => {
    const view = viewProfile({ sources: [load(newFile)], base: [load(baseFile)] });
    const table = buildDiffTable(view.profile, sampleTypeIndex(view.profile, sample));
    const [diff, base, next] = await Promise.all([
      pprofTop(newFile, sample, unit, 0, ['-nodefraction=0', `-diff_base=${baseFile}`]),
      pprofTop(baseFile, sample, unit, 0, ['-nodefraction=0']),
      pprofTop(newFile, sample, unit, 0, ['-nodefraction=0']),
    ]);
    expect([table.baseTotal, table.newTotal]).toEqual([base.total, next.total]);
    expect(table.rows.length).toBeGreaterThan(5);
    const byName = (rows: typeof diff.rows) => new Map(rows.map((r) => [r.name, r]));
    const [d, b, n] = [byName(diff.rows), byName(base.rows), byName(next.rows)];
    for (const r of table.rows) {
      expect([r.name, r.baseFlat, r.baseCum], 'base').toEqual([r.name, b.get(r.name)?.flat ?? 0, b.get(r.name)?.cum ?? 0]);
      expect([r.name, r.newFlat, r.newCum], 'new').toEqual([r.name, n.get(r.name)?.flat ?? 0, n.get(r.name)?.cum ?? 0]);
      // pprof drops functions whose diff is zero everywhere.
      expect([r.name, r.deltaFlat, r.deltaCum], 'change').toEqual([r.name, d.get(r.name)?.flat ?? 0, d.get(r.name)?.cum ?? 0]);
    }
    for (const r of diff.rows) expect(table.rows.some((t) => t.name === r.name), r.name).toBe(true);
    const sizes = table.rows.map((r) => Math.abs(r.deltaFlat));
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
  });

  it('with -normalize, the change equals pprof -normalize -diff_base', async () => {
    const view = viewProfile({ sources: [load(newFile)], base: [load(baseFile)] }, { normalize: true });
    const table = buildDiffTable(view.profile, sampleTypeIndex(view.profile, sample), { sort: 'cum' });
    const diff = await pprofTop(newFile, sample, unit, 0, ['-nodefraction=0', '-normalize', `-diff_base=${baseFile}`]);
    const d = new Map(diff.rows.map((r) => [r.name, r]));
    // pprof prints scaled values rounded to whole units.
    for (const r of table.rows) {
      expect(Math.abs(Math.round(r.deltaFlat) - (d.get(r.name)?.flat ?? 0)), r.name).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.round(r.deltaCum) - (d.get(r.name)?.cum ?? 0)), r.name).toBeLessThanOrEqual(1);
    }
    const sizes = table.rows.map((r) => Math.abs(r.deltaCum));
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
  });
});

it('deltaPercent is relative to the base, null for a new function', () => {
  expect(deltaPercent(200, 50)).toBe(25);
  expect(deltaPercent(200, -200)).toBe(-100);
  expect(deltaPercent(0, 10)).toBeNull();
});
