// Merging profiles: gpw top of several profiles (--merge) equals `go tool pprof -top` given the
// same files; `gpw merge --out` writes a pprof file that go tool pprof reads to the same table;
// `gpw merge --save` stores the merge as an artifact that names its sources; merging profiles
// of different kinds is refused with a message.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goProfile } from '../helpers/paths';
import { pairProfile, usePairsLibrary } from '../helpers/profpair';
import { gpw, gpwJson, pprofTop } from '../helpers/run';
import { comparable, rowsOf, topBoth, topBothInProcess, type GpwTop, type TopView } from '../helpers/top-vs-pprof';

const lib = usePairsLibrary(() => [pairProfile('cpu-a'), pairProfile('cpu-b'), pairProfile('heap-a'), pairProfile('heap-b'), goProfile('cpu')]);

type Case = [label: string, files: () => string[], sampleIndex: string, unit: string, view: TopView];
const CASES: Case[] = [
  ['two cpu profiles', () => [pairProfile('cpu-a'), pairProfile('cpu-b')], 'cpu', 'nanoseconds', {}],
  ['three cpu profiles of two programs', () => [pairProfile('cpu-a'), goProfile('cpu'), pairProfile('cpu-b')], 'samples', 'count', {}],
  ['two heap profiles', () => [pairProfile('heap-a'), pairProfile('heap-b')], 'inuse_space', 'bytes', {}],
  ['two heap profiles, alloc_objects by line', () => [pairProfile('heap-a'), pairProfile('heap-b')], 'alloc_objects', 'count', { granularity: 'lines' }],
  ['merged, filtered', () => [pairProfile('cpu-a'), pairProfile('cpu-b')], 'cpu', 'nanoseconds', { focus: 'main\\.', ignore: 'sortWork', tagfocus: 'worker=hash|recurse' }],
  ['merged, diffed against another', () => [pairProfile('cpu-b'), goProfile('cpu')], 'cpu', 'nanoseconds', { diffBase: pairProfile('cpu-a'), normalize: true }],
  ['merged, by file', () => [pairProfile('cpu-a'), pairProfile('cpu-b')], 'cpu', 'nanoseconds', { granularity: 'files' }],
];

describe.concurrent('gpw top --merge equals go tool pprof -top on several files', () => {
  it.each(CASES)('%s', async (_label, files, sampleIndex, unit, view) => {
    const { gpw: g, pprof } = await topBothInProcess(files(), sampleIndex, unit, view);
    expect(g.total).toBe(pprof.total);
    expect(comparable(rowsOf(g), view)).toEqual(comparable(pprof.rows, view));
  });

  it('through the CLI, by library ids and files', async () => {
    const files = [pairProfile('cpu-a'), pairProfile('cpu-b'), goProfile('cpu')];
    const { gpw: g, pprof } = await topBoth(lib.path, files, 'cpu', 'nanoseconds', {}, { files: [lib.ids['cpu-a'], files[1], lib.ids['cpu']] });
    expect(g.total).toBe(pprof.total);
    expect(rowsOf(g)).toEqual(pprof.rows);
  });
});

describe('gpw merge', () => {
  it('--out writes a pprof file that go tool pprof reads as the merge of its sources', async () => {
    const out = `${lib.dir}/merged.pb.gz`;
    const files = [pairProfile('heap-a'), pairProfile('heap-b')];
    const r = await gpwJson<{ file: string; sources: string[] }>(lib.path, 'merge', ...files, '--out', out);
    expect(r.file).toBe(out);
    expect(existsSync(out)).toBe(true);
    for (const sampleIndex of ['inuse_space', 'alloc_objects']) {
      const unit = sampleIndex.endsWith('space') ? 'bytes' : 'count';
      const [fromMerged, fromSources] = await Promise.all([pprofTop(out, sampleIndex, unit, 0), pprofTop(files, sampleIndex, unit, 0)]);
      expect(fromMerged).toEqual(fromSources);
    }
  });

  it('--save stores the merge as an artifact that names its sources; its top equals pprof on the sources', async () => {
    const r = await gpwJson<{ artifact: { id: string; subtype: string; labels: Record<string, string>; summary: { mergedFrom: unknown[] } } }>(
      lib.path, 'merge', lib.ids['cpu-a'], lib.ids['cpu-b'], '--save', '--label', 'note=merged',
    );
    expect(r.artifact.subtype).toBe('cpu');
    expect(r.artifact.labels['merged-from']).toBe(`${lib.ids['cpu-a']},${lib.ids['cpu-b']}`);
    expect(r.artifact.labels.note).toBe('merged');
    expect(r.artifact.summary.mergedFrom).toEqual([{ id: lib.ids['cpu-a'] }, { id: lib.ids['cpu-b'] }]);
    const [top, pprof] = await Promise.all([
      gpwJson<GpwTop>(lib.path, 'top', r.artifact.id, '--sample-index', 'cpu', '--nodecount', '0'),
      pprofTop([pairProfile('cpu-a'), pairProfile('cpu-b')], 'cpu', 'nanoseconds', 0),
    ]);
    expect(top.total).toBe(pprof.total);
    expect(rowsOf(top)).toEqual(pprof.rows);
    const listed = await gpwJson<{ artifacts: { id: string }[] }>(lib.path, 'list', '--label', 'merged-from');
    expect(listed.artifacts.map((a) => a.id)).toEqual([r.artifact.id]);
  });

  it('refuses profiles of different kinds and bad arguments, saving nothing', async () => {
    const before = await gpwJson<{ artifacts: unknown[] }>(lib.path, 'list');
    const kinds = await gpw(lib.path, 'merge', lib.ids['cpu-a'], lib.ids['heap-a'], '--save');
    expect(kinds.code).not.toBe(0);
    expect(kinds.stderr).toMatch(/cannot combine a cpu profile with a heap profile/);
    const files = await gpw(lib.path, 'merge', pairProfile('cpu-a'), pairProfile('heap-a'), '--out', `${lib.dir}/x.pb.gz`);
    expect(files.stderr).toMatch(/different sample types: samples\/count, cpu\/nanoseconds and alloc_objects/);
    expect(existsSync(`${lib.dir}/x.pb.gz`)).toBe(false);
    expect((await gpw(lib.path, 'merge', lib.ids['cpu-a'])).stderr).toMatch(/either --out FILE or --save/);
    expect((await gpw(lib.path, 'merge', 'nosuchid', '--save')).stderr).toMatch(/no artifact nosuchid/);
    expect((await gpwJson<{ artifacts: unknown[] }>(lib.path, 'list')).artifacts.length).toBe(before.artifacts.length);
  });
});
