// gpw top with a diff base (and -normalize) equals `go tool pprof -top -diff_base` on the same
// real Go profiles: the total is the base's total, rows carry signed values, -normalize scales
// the new profile to the base's total with pprof's rounding; by file and by library id; the
// text from "Showing nodes" on is pprof's, byte for byte.
import { describe, expect, it } from 'vitest';
import { goProfile } from '../helpers/paths';
import { pairProfile, usePairsLibrary } from '../helpers/profpair';
import { gpw, gpwJson, run } from '../helpers/run';
import { comparable, gpwTopInProcess, rowsOf, topBoth, topBothInProcess, type TopView } from '../helpers/top-vs-pprof';

const lib = usePairsLibrary(() => [pairProfile('cpu-a'), pairProfile('cpu-b'), pairProfile('heap-a'), pairProfile('heap-b')]);

type Case = [label: string, file: () => string, base: () => string, sampleIndex: string, unit: string, view: TopView];
const cpuA = (): string => pairProfile('cpu-a');
const cpuB = (): string => pairProfile('cpu-b');
const heapA = (): string => pairProfile('heap-a');
const heapB = (): string => pairProfile('heap-b');

const CASES: Case[] = [
  ['cpu b - a', cpuB, cpuA, 'cpu', 'nanoseconds', {}],
  ['cpu a - b', cpuA, cpuB, 'cpu', 'nanoseconds', {}],
  ['cpu b - a, normalized', cpuB, cpuA, 'cpu', 'nanoseconds', { normalize: true }],
  ['cpu b - a, normalized, samples', cpuB, cpuA, 'samples', 'count', { normalize: true }],
  ['cpu b - a, sorted by cum', cpuB, cpuA, 'cpu', 'nanoseconds', { cum: true }],
  ['cpu b - a, focus', cpuB, cpuA, 'cpu', 'nanoseconds', { focus: 'main\\.(hash|sort)Work' }],
  ['cpu b - a, tagfocus and hide', cpuB, cpuA, 'cpu', 'nanoseconds', { tagfocus: 'worker=recurse', hide: 'runtime' }],
  ['cpu b - a, lines', cpuB, cpuA, 'cpu', 'nanoseconds', { granularity: 'lines' }],
  ['cpu b - a, normalized, files', cpuB, cpuA, 'cpu', 'nanoseconds', { granularity: 'files', normalize: true }],
  ['Go cpu profile - cpu a (other binary)', () => goProfile('cpu'), cpuA, 'cpu', 'nanoseconds', {}],
  ['heap b - a, inuse_space', heapB, heapA, 'inuse_space', 'bytes', {}],
  ['heap b - a, alloc_objects, normalized', heapB, heapA, 'alloc_objects', 'count', { normalize: true }],
  ['heap a - b, inuse_objects, normalized', heapA, heapB, 'inuse_objects', 'count', { normalize: true }],
  ['heap b - a, numeric tagfocus', heapB, heapA, 'alloc_space', 'bytes', { tagfocus: 'bytes=4kb:' }],
  ['a profile minus itself', cpuA, cpuA, 'cpu', 'nanoseconds', {}],
];

describe.concurrent('gpw top --diff-base equals go tool pprof -top -diff_base', () => {
  it.each(CASES)('%s', async (_label, file, base, sampleIndex, unit, view) => {
    const { gpw: g, pprof } = await topBothInProcess([file()], sampleIndex, unit, { ...view, diffBase: base() });
    expect(g.total).toBe(pprof.total);
    expect(comparable(rowsOf(g), view)).toEqual(comparable(pprof.rows, view));
    // pprof's total of a diff is the base's own total (before filters).
    expect(g.total).toBe(gpwTopInProcess([base()], sampleIndex, {}).total);
  });
});

describe('through the CLI', () => {
  it.each(CASES.filter((c) => ['cpu b - a, normalized', 'heap b - a, numeric tagfocus'].includes(c[0])))('%s', async (_label, file, base, sampleIndex, unit, view) => {
    const { gpw: g, pprof } = await topBoth(lib.path, [file()], sampleIndex, unit, { ...view, diffBase: base() });
    expect(g.total).toBe(pprof.total);
    expect(rowsOf(g)).toEqual(pprof.rows);
  });

  it('carries signed values: what shrank from a to b is negative', async () => {
    const { gpw: g } = await topBoth(lib.path, [cpuB()], 'cpu', 'nanoseconds', { diffBase: cpuA() });
    // b spends half as long in recurse as a, more in hashWork and sortWork.
    const cum = Object.fromEntries(g.rows.map((r) => [r.name, r.cum]));
    expect(cum['main.recurse']).toBeLessThan(0);
    expect(cum['main.hashWork']).toBeGreaterThan(0);
  });

  it('by library id, as by file', async () => {
    const byFile = await topBoth(lib.path, [cpuB()], 'cpu', 'nanoseconds', { diffBase: cpuA(), normalize: true });
    const byId = await topBoth(lib.path, [cpuB()], 'cpu', 'nanoseconds', { diffBase: cpuA(), normalize: true }, { files: [lib.ids['cpu-b']], diffBase: lib.ids['cpu-a'] });
    expect(byId.gpw.total).toBe(byFile.pprof.total);
    expect(rowsOf(byId.gpw)).toEqual(byFile.pprof.rows);
  });

  it('prints the text of pprof from "Showing nodes" on, byte for byte', async () => {
    for (const normalize of [false, true]) {
      const flags = normalize ? ['-normalize'] : [];
      const [g, p] = await Promise.all([
        gpw(lib.path, 'top', heapB(), '--diff-base', heapA(), '--sample-index', 'alloc_space', ...(normalize ? ['--normalize'] : [])),
        run('go', ['tool', 'pprof', '-top', '-nodecount=20', '-sample_index=alloc_space', ...flags, `-diff_base=${heapA()}`, heapB()]),
      ]);
      expect(g.code).toBe(0);
      const fromShowing = (s: string): string => s.slice(s.indexOf('Showing nodes'));
      expect(fromShowing(g.stdout)).toBe(fromShowing(p.stdout));
    }
  });

  it('refuses to compare profiles of different kinds, naming them', async () => {
    const r = await gpw(lib.path, 'top', lib.ids['heap-b'], '--diff-base', lib.ids['cpu-a']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot combine a heap profile with a cpu profile/);
    const files = await gpw(lib.path, 'top', heapB(), '--diff-base', cpuA());
    expect(files.stderr).toMatch(/the diff base has sample types samples, cpu, the profile alloc_objects/);
    expect((await gpw(lib.path, 'top', cpuB(), '--normalize')).stderr).toMatch(/--normalize needs --diff-base/);
  });
});
