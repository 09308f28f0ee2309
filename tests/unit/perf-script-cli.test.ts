// perf script and folded stacks through the built CLI: `gpw import FILE` then `gpw top ID`, with
// the top table checked against stackcollapse-perf.pl's stacks of the same file; labels usable
// by --tagfocus; a failed import leaves the library untouched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, goProfile, tempDir } from '../helpers/paths';
import { gpw, gpwJson } from '../helpers/run';

const SUITE = join(FIXTURES, 'perf/flamegraph-tests');
const COLLAPSED = join(FIXTURES, 'collapsed');

interface Imported {
  artifacts: { id: string; kind: string; subtype: string | null; summary: { sampleTypes: string[]; defaultSampleType: string; labelKeys: string[]; totals: Record<string, number> } }[];
}
interface TopJson {
  sampleType: string;
  total: number;
  rows: { name: string; flat: number; cum: number }[];
}

/** flat and cum per function from folded stacks (annotations such as _[k] removed). */
function topFromFolded(text: string): { total: number; flat: Map<string, number>; cum: Map<string, number> } {
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  let total = 0;
  for (const line of text.split('\n').filter(Boolean)) {
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    const frames = line
      .slice(0, line.lastIndexOf(' '))
      .split(';')
      .map((f) => f.replace(/_\[[kji]\]$/, ''));
    total += n;
    const leaf = frames[frames.length - 1];
    flat.set(leaf, (flat.get(leaf) ?? 0) + n);
    for (const f of new Set(frames)) cum.set(f, (cum.get(f) ?? 0) + n);
  }
  return { total, flat, cum };
}

let tmp: ReturnType<typeof tempDir>;
let lib: string;
beforeAll(() => {
  tmp = tempDir('gpw-perf-cli-');
  lib = join(tmp.dir, 'lib.sqlite');
});
afterAll(() => tmp.cleanup());

describe('gpw import + gpw top', () => {
  it('imports a perf script as kind perf, and its top table adds up to stackcollapse-perf.pl stacks', async () => {
    const file = join(SUITE, 'perf-rust-Yamakaky-dcpu.txt');
    const imported = await gpwJson<Imported>(lib, 'import', file);
    const a = imported.artifacts[0];
    expect(a.kind).toBe('perf');
    expect(a.subtype).toBe('cycles:u');
    expect(a.summary.sampleTypes).toEqual(['samples/count', 'cycles:u/count']);
    expect(a.summary.labelKeys).toEqual(['comm', 'tid']);

    const ref = topFromFolded(readFileSync(join(SUITE, 'results/perf-rust-Yamakaky-dcpu-collapsed-all.txt'), 'utf8'));
    const top = await gpwJson<TopJson>(lib, 'top', a.id, '--nodecount', '1000');
    expect(top.sampleType).toBe('cycles:u');
    expect(top.total).toBe(ref.total);
    expect(top.rows.length).toBeGreaterThan(10);
    for (const row of top.rows) {
      expect([row.name, row.flat, row.cum]).toEqual([row.name, ref.flat.get(row.name) ?? 0, ref.cum.get(row.name)]);
    }
    // The sample count type counts records.
    const records = readFileSync(file, 'utf8').split('\n').filter((l) => /^\S.*cycles:u:\s*$/.test(l)).length;
    const samples = await gpwJson<TopJson>(lib, 'top', a.id, '--sample-index', 'samples');
    expect(samples.total).toBe(records);
  });

  it('selects processes and threads with --tagfocus on the comm, pid, tid labels', async () => {
    const file = join(SUITE, 'perf-iperf-stacks-pidtid-01.txt');
    const id = (await gpwJson<Imported>(lib, 'import', file)).artifacts[0].id;
    const text = readFileSync(file, 'utf8');
    const count = (re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;
    // pprof's total is the whole profile's; the process frame at the root holds what passed the filter.
    const rootCum = (t: TopJson, name: string): number => t.rows.find((r) => r.name === name)?.cum ?? 0;
    const byComm = await gpwJson<TopJson>(lib, 'top', id, '--tagfocus', 'comm=multilog', '--nodecount', '1000');
    expect(rootCum(byComm, 'multilog')).toBe(count(/^multilog /));
    expect(rootCum(byComm, 'iperf')).toBe(0);
    const byTid = await gpwJson<TopJson>(lib, 'top', id, '--tagfocus', 'tid=28744', '--nodecount', '1000');
    expect(rootCum(byTid, 'iperf')).toBe(count(/^iperf 27409\/28744 /));
    expect(count(/^iperf 27409\/28744 /)).toBeGreaterThan(0);
  });

  it('imports folded stacks as a collapsed profile', async () => {
    const imported = await gpwJson<Imported>(lib, 'import', join(COLLAPSED, 'speedscope-simple-utf16-le.txt'), join(COLLAPSED, 'speedscope-simple-with-invalids.txt'));
    expect(imported.artifacts.map((a) => [a.kind, a.subtype])).toEqual([
      ['profile', 'collapsed'],
      ['profile', 'collapsed'],
    ]);
    for (const a of imported.artifacts) {
      const top = await gpwJson<TopJson>(lib, 'top', a.id);
      expect(top.total).toBe(14);
      expect(top.rows.map((r) => [r.name, r.flat, r.cum])).toEqual([
        ['b', 5, 14],
        ['c', 5, 5],
        ['d', 4, 4],
        ['a', 0, 14],
      ]);
    }
  });

  it('imports a perf script cut mid-line; a failed import in the same call writes nothing', async () => {
    const before = await gpwJson<{ id: string }[] | { artifacts: unknown[] }>(lib, 'list');
    const full = readFileSync(join(SUITE, 'perf-numa-stacks-01.txt'));
    const cut = join(tmp.dir, 'cut.perf.txt');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length / 2) + 3));
    const broken = join(tmp.dir, 'broken.pb.gz');
    writeFileSync(broken, readFileSync(goProfile('cpu')).subarray(0, 200));
    const failed = await gpw(lib, 'import', cut, broken);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('broken.pb.gz');
    expect(await gpwJson(lib, 'list')).toEqual(before);
    const ok = await gpwJson<Imported>(lib, 'import', cut);
    expect(ok.artifacts[0].kind).toBe('perf');
  });

  it('refuses text that is neither, saying what it is', async () => {
    const junk = join(tmp.dir, 'notes.txt');
    writeFileSync(junk, 'hello\nthis is not a profile\n');
    const r = await gpw(lib, 'import', junk);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/notes\.txt: this is a text file/);
  });
});
