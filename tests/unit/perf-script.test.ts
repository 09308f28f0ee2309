// perf script import against stackcollapse-perf.pl: the FlameGraph project's own test suite
// (real perf script outputs and what stackcollapse-perf.pl prints for each with --all, --pid,
// --tid, --kernel, --jit) must come out byte for byte from parsePerfScript + collapseProfile.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapseProfile, stackcollapsePerfOptions } from '../../src-main/analysis/collapsed';
import { detectFormat } from '../../src-main/formats/detect-format';
import { parsePerfScript } from '../../src-main/formats/perf-script/parse-perf-script';
import { sampleTypeIndex, type Profile } from '../../src-main/model/profile';
import { FIXTURES } from '../helpers/paths';

const SUITE = join(FIXTURES, 'perf/flamegraph-tests');
const PERF_DIR = join(FIXTURES, 'perf');

const suiteFiles = readdirSync(SUITE).filter((f) => f.endsWith('.txt')).sort();
const speedscopeFiles = readdirSync(PERF_DIR).filter((f) => f.endsWith('.linux-perf.txt')).sort();
const OPTIONS = ['all', 'pid', 'tid', 'kernel', 'jit'] as const;

const collapseDefault = (p: Profile, flags: Parameters<typeof stackcollapsePerfOptions>[0]): string =>
  collapseProfile(p, sampleTypeIndex(p, p.defaultSampleType), stackcollapsePerfOptions(flags));

/**
 * The results' --pid/--tid files of Java processes were recorded before FlameGraph commit
 * e54f142 ("Correctly detect java in -tid"), when Java class names ("Lorg/foo;") kept their
 * "L" if the process name had a pid appended. stackcollapse-perf.pl has stripped it since;
 * gpw does as it does now. This applies that fix to the recorded lines.
 */
function withJavaTidyFix(expected: string): string {
  const fixed = expected.replace(/^(java[^;]*)(;.*) (\d+)$/gm, (_m, root: string, rest: string, n: string) => {
    const frames = rest.split(';').map((f) => (f.startsWith('L') && f.includes('/') ? f.slice(1) : f));
    return `${root}${frames.join(';')} ${n}`;
  });
  if (fixed === expected) return expected;
  // Renamed stacks move: sort again as Perl sorts (bytes).
  const lines = fixed.split('\n').filter(Boolean);
  lines.sort((a, b) => Buffer.compare(Buffer.from(a.slice(0, a.lastIndexOf(' '))), Buffer.from(b.slice(0, b.lastIndexOf(' ')))));
  return lines.map((l) => `${l}\n`).join('');
}

describe('FlameGraph test suite: stackcollapse-perf.pl results, byte for byte', () => {
  for (const file of suiteFiles) {
    it(file, () => {
      const bytes = readFileSync(join(SUITE, file));
      expect(detectFormat(bytes.subarray(0, 65536))).toEqual({ format: 'perf-script' });
      // stackcollapse-perf.pl drops a last record that no blank line closes; compare like for like.
      const profile = parsePerfScript(bytes, { dropUnclosedLastRecord: true });
      let javaFixed = 0;
      for (const opt of OPTIONS) {
        const got = collapseDefault(profile, { [opt]: true });
        let expected = readFileSync(join(SUITE, 'results', `${file.slice(0, -4)}-collapsed-${opt}.txt`), 'utf8');
        if (opt === 'pid' || opt === 'tid') {
          const fixed = withJavaTidyFix(expected);
          if (fixed !== expected) javaFixed++;
          expected = fixed;
        }
        expect(got.length).toBeGreaterThan(0);
        expect(got, `${file} --${opt}`).toBe(expected);
      }
      // Only the Java captures are affected by the recorded-before-the-fix difference.
      expect(javaFixed > 0).toBe(/java|vertx/.test(file));
    });
  }
});

describe('what gpw keeps of a perf capture', () => {
  it('keeps a last record not closed by a blank line (stackcollapse-perf.pl drops it)', () => {
    let unclosed = 0;
    for (const file of [...suiteFiles.map((f) => join(SUITE, f)), ...speedscopeFiles.map((f) => join(PERF_DIR, f))]) {
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      const all = collapseDefault(parsePerfScript(bytes), { all: true });
      const dropped = collapseDefault(parsePerfScript(bytes, { dropUnclosedLastRecord: true }), { all: true });
      if (text.endsWith('\n\n')) {
        expect(all, file).toBe(dropped);
        continue;
      }
      unclosed++;
      const sum = (s: string): number => s.split('\n').filter(Boolean).reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      const lastHeader = text.split('\n').filter((l) => /^[^#\s].*:\s*$/.test(l)).pop()!;
      const period = /:\s+(\d+) \S+:\s*$/.exec(lastHeader)?.[1];
      expect(sum(all) - sum(dropped), file).toBe(period ? Number(period) : 1);
    }
    expect(unclosed).toBeGreaterThan(3);
  });

  it('labels each sample with comm, pid, tid and cpu, and puts the process at the root', () => {
    const p = parsePerfScript(readFileSync(join(SUITE, 'perf-iperf-stacks-pidtid-01.txt')));
    const labels = new Set<string>();
    for (let s = 0; s < p.sampleCount; s++) {
      const ls: string[] = [];
      for (let i = p.sampleLabelStart[s]; i < p.sampleLabelStart[s + 1]; i++) {
        ls.push(`${p.strings[p.labelKey[i]]}=${p.labelStr[i] ? p.strings[p.labelStr[i]] : p.labelNum[i]}`);
      }
      labels.add(ls.join(','));
      // The root frame is the process name.
      const root = p.sampleLocs[p.sampleLocStart[s + 1] - 1];
      expect(p.strings[p.functionName[p.lineFunction[p.locLineStart[root]]]]).toBe(ls[0].slice('comm='.length));
    }
    expect(labels).toContain('comm=iperf,pid=27409,tid=28744,cpu=0');
    expect(labels).toContain('comm=multilog,pid=28797,tid=28797,cpu=2');
    expect(p.sampleTypes).toEqual([{ type: 'samples', unit: 'count' }]);
    expect(p.periodType).toEqual({ type: 'cpu-clock', unit: 'nanoseconds' });
  });

  it('gives each event of a multi-event capture its own sample types; the first is the default, as stackcollapse counts it', () => {
    const p = parsePerfScript(readFileSync(join(SUITE, 'perf-cycles-instructions-01.txt')));
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['instructions_samples', 'cycles_samples']);
    expect(p.defaultSampleType).toBe('instructions_samples');
    const text = readFileSync(join(SUITE, 'perf-cycles-instructions-01.txt'), 'utf8');
    const count = (event: string): number => text.split('\n').filter((l) => new RegExp(`^\\S.*\\s${event}:\\s*$`).test(l)).length;
    const total = (t: number): number => p.values.filter((_v, i) => i % 2 === t).reduce((a, b) => a + b, 0);
    expect(total(0)).toBe(count('instructions'));
    expect(total(1)).toBe(count('cycles'));
    expect(p.comments).toContain('perf version: 4.13.0-rc1');
  });

  it('sums the period as a second sample type, in nanoseconds for cpu-clock', () => {
    const p = parsePerfScript(readFileSync(join(SUITE, 'perf-dd-stacks-01.txt')));
    expect(p.sampleTypes).toEqual([
      { type: 'samples', unit: 'count' },
      { type: 'cpu-clock', unit: 'nanoseconds' },
    ]);
    expect(p.defaultSampleType).toBe('cpu-clock');
    expect(p.period).toBe(10101010);
    let samples = 0;
    let period = 0;
    for (let s = 0; s < p.sampleCount; s++) {
      samples += p.values[s * 2];
      period += p.values[s * 2 + 1];
    }
    expect(samples).toBe(11);
    expect(period).toBe(11 * 10101010);
    expect(p.durationNanos).toBe(Math.round((666709.872987 - 666709.771979) * 1e9));
  });

  it('keeps kernel and JIT modules as mappings, and names frames as stackcollapse does', () => {
    const p = parsePerfScript(readFileSync(join(SUITE, 'perf-js-stacks-01.txt')));
    const modules = new Set(p.mappings.map((m) => m.file));
    expect([...modules].some((m) => /^\/tmp\/perf-\d+\.map$/.test(m))).toBe(true);
    expect(modules.has('/tmp/node-v011')).toBe(true);
    const names = new Set(Array.from(p.functionName, (i) => p.strings[i]));
    for (const n of names) expect(n).not.toMatch(/\+0x[0-9a-f]+$|;/);
  });
});

describe('speedscope perf samples', () => {
  for (const file of speedscopeFiles) {
    it(`${file}: every record is a sample, periods summed`, () => {
      const bytes = readFileSync(join(PERF_DIR, file));
      expect(detectFormat(bytes.subarray(0, 65536))).toEqual({ format: 'perf-script' });
      const p = parsePerfScript(bytes);
      // Headers counted independently: lines that start a record end in "event:".
      const headers = bytes
        .toString('utf8')
        .split('\n')
        .filter((l) => /^\S.*\s\d+(\/\d+)?\s.*:\s*$/.test(l) && !l.startsWith('#'));
      const periods = headers.map((l) => Number(/:\s+(\d+)\s+\S+:\s*$/.exec(l)?.[1] ?? 1));
      const n = p.sampleTypes.length;
      let samples = 0;
      let period = 0;
      for (let s = 0; s < p.sampleCount; s++) {
        samples += p.values[s * n];
        if (n > 1) period += p.values[s * n + 1];
      }
      expect(samples).toBe(headers.length);
      if (n > 1) expect(period).toBe(periods.reduce((a, b) => a + b, 0));
      expect(p.sampleCount).toBeGreaterThan(0);
      expect(p.comments.filter((c) => c.startsWith('warning'))).toEqual([]);
    });
  }
});
