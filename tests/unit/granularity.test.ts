// Granularity: gpw top --granularity lines|files equals `go tool pprof -top -lines|-files` on
// real Go profiles (pprof names a line "main.f /path/file.go:12", a file by its path), and
// collapsing recursion folds f → f → f into one frame without changing any top number.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { viewProfile } from '../../src-main/analysis/profile-view';
import { computeTop } from '../../src-main/analysis/top';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { goProfile } from '../helpers/paths';
import { pairProfile, usePairsLibrary } from '../helpers/profpair';
import { expectTotalsAddUp } from '../helpers/flame';
import { comparable, rowsOf, topBoth, topBothInProcess, type TopView } from '../helpers/top-vs-pprof';

const lib = usePairsLibrary();

type Case = [label: string, file: () => string, sampleIndex: string, unit: string, view: TopView];
const CASES: Case[] = [
  ['cpu by line', () => pairProfile('cpu-a'), 'cpu', 'nanoseconds', { granularity: 'lines' }],
  ['cpu by line, by cum', () => pairProfile('cpu-a'), 'cpu', 'nanoseconds', { granularity: 'lines', cum: true }],
  ['cpu by file', () => pairProfile('cpu-b'), 'cpu', 'nanoseconds', { granularity: 'files' }],
  ['Go cpu profile by line', () => goProfile('cpu'), 'cpu', 'nanoseconds', { granularity: 'lines' }],
  ['Go cpu profile by file', () => goProfile('cpu'), 'samples', 'count', { granularity: 'files' }],
  ['heap by line', () => pairProfile('heap-b'), 'inuse_space', 'bytes', { granularity: 'lines' }],
  ['Go heap profile by file', () => goProfile('heap'), 'inuse_objects', 'count', { granularity: 'files' }],
  ['Go allocs profile by line', () => goProfile('allocs'), 'alloc_space', 'bytes', { granularity: 'lines' }],
  ['Go block profile by line', () => goProfile('block'), 'delay', 'nanoseconds', { granularity: 'lines' }],
  ['by line, focused and hidden', () => pairProfile('cpu-a'), 'cpu', 'nanoseconds', { granularity: 'lines', focus: 'main\\.recurse', hide: 'runtime' }],
  ['by file, tag-filtered', () => pairProfile('cpu-a'), 'cpu', 'nanoseconds', { granularity: 'files', tagfocus: 'worker=sort' }],
];

describe.concurrent('gpw top --granularity equals go tool pprof -top -lines / -files', () => {
  it.each(CASES)('%s', async (_label, file, sampleIndex, unit, view) => {
    const { gpw, pprof } = await topBothInProcess([file()], sampleIndex, unit, view);
    expect(gpw.total).toBe(pprof.total);
    expect(comparable(rowsOf(gpw), view)).toEqual(comparable(pprof.rows, view));
    const names = gpw.rows.map((r) => r.name);
    if (view.granularity === 'lines') expect(names.some((n) => /^main\.\S+ \S+\.go:\d+$/.test(n))).toBe(true);
    else expect(names.some((n) => /^\S+\.go$/.test(n))).toBe(true);
  });
});

describe('through the CLI', () => {
  it.each(CASES.filter((c) => ['cpu by line, by cum', 'Go heap profile by file'].includes(c[0])))('%s', async (_label, file, sampleIndex, unit, view) => {
    const { gpw, pprof } = await topBoth(lib.path, [file()], sampleIndex, unit, view);
    expect(gpw.total).toBe(pprof.total);
    expect(comparable(rowsOf(gpw), view)).toEqual(comparable(pprof.rows, view));
  });
});

describe('collapse recursion', () => {
  const profile = decodePprof(readFileSync(pairProfile('cpu-a')));
  const t = sampleTypeIndex(profile, 'cpu');
  const plain = viewProfile({ sources: [profile] });
  const collapsed = viewProfile({ sources: [profile] }, { collapseRecursion: true });

  it('keeps every top number', () => {
    const options = { nodecount: 0, nodefraction: 0 };
    const a = computeTop(plain.profile, t, options, plain.totals[t]);
    const b = computeTop(collapsed.profile, t, options, collapsed.totals[t]);
    expect(b.total).toBe(a.total);
    expect(b.rows.map(({ name, flat, cum }) => ({ name, flat, cum }))).toEqual(a.rows.map(({ name, flat, cum }) => ({ name, flat, cum })));
  });

  it('folds main.recurse calling itself into one frame of the flame graph', () => {
    const depthOfRecursion = (g: ReturnType<typeof buildFlameGraph>): number => {
      let deepest = 0;
      const open: string[] = [];
      for (let i = 0; i < g.total.length; i++) {
        open.length = g.depth[i];
        open.push(g.names[g.nameIndex[i]]);
        deepest = Math.max(deepest, open.filter((n) => n === 'main.recurse').length);
      }
      return deepest;
    };
    const before = buildFlameGraph(plain.profile, t);
    const after = buildFlameGraph(collapsed.profile, t);
    expect(depthOfRecursion(before)).toBeGreaterThan(30);
    expect(depthOfRecursion(after)).toBe(1);
    expect(after.totalValue).toBe(before.totalValue);
    expectTotalsAddUp(after);
    // No frame has a child of its own name.
    const open: number[] = [];
    for (let i = 0; i < after.total.length; i++) {
      open.length = after.depth[i];
      if (open.length > 0) expect(after.nameIndex[open[open.length - 1]]).not.toBe(after.nameIndex[i]);
      open.push(i);
    }
  });
});
