// collapseProfile on pprof profiles (Go-made, checked against `go tool pprof -traces`), its
// line order (bytes, as Perl's sort), and the perf-only options refused on other profiles.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapseProfile, compareCodePoints, CollapseError, stackcollapsePerfOptions } from '../../src-main/analysis/collapsed';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { encodePprof } from '../../src-main/formats/pprof/encode-pprof';
import { ProfileBuilder } from '../../src-main/model/profile-builder';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { goProfile, tempDir } from '../helpers/paths';
import { pprofTraces, traceStacks } from '../helpers/pprof-traces';

const parseFolded = (text: string): Map<string, number> =>
  new Map(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
  );

describe('collapsed stacks of Go profiles equal go tool pprof -traces', () => {
  it.each([
    ['cpu', 'cpu', 'nanoseconds'],
    ['cpu', 'samples', 'count'],
    ['heap', 'inuse_space', 'bytes'],
    ['allocs', 'alloc_objects', 'count'],
    ['goroutine', 'goroutine', 'count'],
    ['mutex', 'delay', 'nanoseconds'],
  ] as const)('%s %s', async (kind, sample, unit) => {
    const file = goProfile(kind);
    const profile = decodePprof(readFileSync(file));
    const out = collapseProfile(profile, sampleTypeIndex(profile, sample));
    const expected = traceStacks(await pprofTraces(file, sample, unit));
    expect(expected.size).toBeGreaterThan(0);
    expect(parseFolded(out)).toEqual(expected);
    // One line per stack, sorted by bytes.
    const keys = out.split('\n').filter(Boolean).map((l) => l.slice(0, l.lastIndexOf(' ')));
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(keys);
  });

  it('refuses --pid/--tid for a profile that is not a perf capture', () => {
    const profile = decodePprof(readFileSync(goProfile('cpu')));
    expect(() => collapseProfile(profile, 0, stackcollapsePerfOptions({ pid: true }))).toThrow(CollapseError);
    expect(() => collapseProfile(profile, 0, stackcollapsePerfOptions({ tid: true }))).toThrow(/--tid needs a perf capture/);
    expect(() => collapseProfile(profile, 9)).toThrow(/no sample type 9/);
  });
});

describe('collapsed output details', () => {
  it('orders lines by UTF-8 bytes, as Perl sorts them', () => {
    const names = ['b', 'a', 'é', 'z', '中', '\u{1F600}', '\uFFFD', 'A', 'a b', 'a;b', '_'];
    const sorted = [...names].sort(compareCodePoints);
    expect(sorted).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it('keeps ";" and line breaks out of frame names, sums equal stacks, skips zeros, keeps negatives', () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'delta', unit: 'count' }], mergeSamples: false });
    const main = b.frame('main');
    const odd = b.frame('a;b\nc');
    b.addSample([odd, main], [2]);
    b.addSample([odd, main], [3]);
    b.addSample([main], [0]);
    b.addSample([b.frame('free'), main], [-4]);
    expect(collapseProfile(b.build(), 0)).toBe('main;a:b c 5\nmain;free -4\n');
  });

  it('names inlined frames as their own frames, root first', () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }] });
    const caller = b.func('caller');
    const inlined = b.func('inlined');
    const loc = b.location([inlined, caller], [10, 20], b.mapping('/bin/app'));
    b.addSample([loc, b.frame('main')], [1]);
    const p = b.build();
    expect(collapseProfile(p, 0)).toBe('main;caller;inlined 1\n');
    expect(collapseProfile(p, 0, { inline: true })).toBe('main;caller;inlined_[i] 1\n');
  });
});

describe('ProfileBuilder', () => {
  it('makes a profile go tool pprof reads: two sample types, inlined frames, file/line, string and numeric labels', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }], defaultSampleType: 'cpu' });
    const main = b.location([b.func('main.main', 'main.go')], [12], b.mapping('/bin/app'));
    const inl = b.location([b.func('strings.Index', 'strings.go'), b.func('main.find', 'main.go')], [30, 40], b.mapping('/bin/app'));
    const leaf = b.frame('runtime.memeq', { file: 'asm.s', line: 7, module: '/bin/app' });
    const worker = (w: string): number[] => [b.label('worker', w), b.label('bytes', 4096, 'bytes')];
    b.addSample([leaf, inl, main], [3, 30_000_000], worker('a'));
    b.addSample([inl, main], [2, 20_000_000], worker('b'));
    b.addSample([leaf, inl, main], [1, 10_000_000], worker('a')); // merged with the first
    const p = b.build();
    expect(p.sampleCount).toBe(2);
    expect(Array.from(p.values)).toEqual([4, 40_000_000, 2, 20_000_000]);
    const tmp = tempDir('gpw-builder-');
    try {
      const file = join(tmp.dir, 'built.pb.gz');
      writeFileSync(file, encodePprof(p));
      for (const [t, unit] of [['cpu', 'nanoseconds'], ['samples', 'count']] as const) {
        const traces = await pprofTraces(file, t, unit);
        expect(parseFolded(collapseProfile(p, sampleTypeIndex(p, t)))).toEqual(traceStacks(traces));
      }
      expect(parseFolded(collapseProfile(p, 0))).toEqual(new Map([['main.main;main.find;strings.Index;runtime.memeq', 4], ['main.main;main.find;strings.Index', 2]]));
      const focused = traceStacks(await pprofTraces(file, 'cpu', 'nanoseconds', ['-tagfocus=worker=b']));
      expect(focused).toEqual(new Map([['main.main;main.find;strings.Index', 20_000_000]]));
    } finally {
      tmp.cleanup();
    }
  });
});
