// gpw's import totals and `gpw top` rows must equal `go tool pprof -top` on the same Go-made
// profiles, for every sample type of every kind of profile Go writes.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpw, gpwJson, pprofTop, run } from '../helpers/run';

const KINDS = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine'] as const;

interface ImportJson {
  artifacts: { id: string; kind: string; subtype: string; file: string; sampleTypes: string[]; summary: { totals: Record<string, number>; defaultSampleType: string } }[];
}
interface TopJson {
  sampleType: string;
  unit: string;
  total: number;
  rows: { name: string; flat: number; cum: number; inline: string }[];
}

let tmp: ReturnType<typeof tempDir>;
let library: string;
let imported: ImportJson;

beforeAll(async () => {
  tmp = tempDir();
  library = `${tmp.dir}/lib.sqlite`;
  imported = await gpwJson<ImportJson>(library, 'import', ...KINDS.map(goProfile), '--label', 'suite=compat', '--run', 'compat');
});
afterAll(() => tmp.cleanup());

describe('import summary', () => {
  it('recognises each kind of Go profile and its default sample type as pprof does', () => {
    const byFile = Object.fromEntries(imported.artifacts.map((a) => [a.file, a]));
    expect(imported.artifacts.every((a) => a.kind === 'profile')).toBe(true);
    for (const kind of KINDS) expect(byFile[`${kind}.pb.gz`].subtype).toBe(kind);
    expect(byFile['heap.pb.gz'].summary.defaultSampleType).toBe('inuse_space');
    expect(byFile['allocs.pb.gz'].summary.defaultSampleType).toBe('alloc_space');
    expect(byFile['cpu.pb.gz'].sampleTypes).toEqual(['samples/count', 'cpu/nanoseconds']);
  });
});

describe.each(KINDS)('%s profile', (kind) => {
  const file = goProfile(kind);
  const profile = decodePprof(readFileSync(file));
  const types = profile.sampleTypes;

  it.each(types.map((t) => [t.type, t.unit]))('sample type %s (%s): totals and every top row equal pprof', async (type, unit) => {
    const artifact = imported.artifacts.find((a) => a.file === `${kind}.pb.gz`)!;
    const [pprof, byFile, byId] = await Promise.all([
      pprofTop(file, type, unit, 0),
      gpwJson<TopJson>(library, 'top', file, '--sample-index', type, '--nodecount', '0'),
      gpwJson<TopJson>(library, 'top', artifact.id, '--sample-index', type, '--nodecount', '0'),
    ]);
    expect(byId.rows).toEqual(byFile.rows);
    expect(byFile.sampleType).toBe(type);
    expect(byFile.unit).toBe(unit);
    expect(byFile.total).toBe(pprof.total);
    expect(artifact.summary.totals[`${type}/${unit}`]).toBe(pprof.total);
    expect(byFile.rows.map((r) => ({ name: r.name, flat: r.flat, cum: r.cum, inline: r.inline }))).toEqual(pprof.rows);
    expect(pprof.rows.length).toBeGreaterThan(0);
  });

  it('default --nodecount gives pprof -nodecount=20 and the default sample type', async () => {
    const def = profile.defaultSampleType;
    const unit = types.find((t) => t.type === def)!.unit;
    const [pprof, ours] = await Promise.all([pprofTop(file, def, unit, 20), gpwJson<TopJson>(library, 'top', file)]);
    expect(ours.sampleType).toBe(def);
    expect(ours.rows.map((r) => [r.name, r.flat, r.cum, r.inline])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum, r.inline]));
  });
});

it('lists inlined functions as pprof does', async () => {
  const file = goProfile('cpu');
  const pprof = await pprofTop(file, 'cpu', 'nanoseconds', 0);
  const ours = await gpwJson<TopJson>(library, 'top', file, '--sample-index', 'cpu', '--nodecount', '0');
  const inlined = pprof.rows.filter((r) => r.inline).map((r) => r.name);
  expect(inlined.length).toBeGreaterThan(0);
  expect(ours.rows.filter((r) => r.inline).map((r) => r.name)).toEqual(inlined);
});

describe('text output', () => {
  // The test run's profiles and the shipped demo profiles (another run of the same program).
  const FILES = [...KINDS.map((k) => goProfile(k)), ...readdirSync(repoPath('resources/demo')).filter((f) => f.endsWith('.pb.gz')).map((f) => repoPath(`resources/demo/${f}`))];
  it.each(FILES)('%s: gpw top [--cum] prints the same table as go tool pprof -top [-cum], for every sample type', async (file) => {
    const kind = file.slice(file.lastIndexOf('/') + 1);
    const profile = decodePprof(readFileSync(file));
    for (const { type } of profile.sampleTypes) {
      for (const cum of [false, true]) {
        const [ours, theirs] = await Promise.all([
          gpw(library, 'top', file, '--sample-index', type, ...(cum ? ['--cum'] : [])),
          run('go', ['tool', 'pprof', '-top', '-nodecount=20', `-sample_index=${type}`, ...(cum ? ['-cum'] : []), file]),
        ]);
        expect(ours.code).toBe(0);
        // pprof starts with File/Build ID/Type/Time lines; compare from the table's header on.
        const table = (text: string): string => text.slice(text.indexOf('Showing nodes'));
        expect(table(ours.stdout), `${kind} ${type}${cum ? ' -cum' : ''}`).toBe(table(theirs.stdout));
      }
    }
  });
});
