// perf script input that is cut, mangled or hostile: never a crash or a hang; a clear
// FormatError when nothing can be read, warnings with line numbers when some lines are skipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapseProfile, stackcollapsePerfOptions } from '../../src-main/analysis/collapsed';
import { detectFormat } from '../../src-main/formats/detect-format';
import { FormatError } from '../../src-main/formats/format-error';
import { parseEventField, parseRecordHeader, parseStackLine } from '../../src-main/formats/perf-script/perf-lines';
import { parsePerfScript } from '../../src-main/formats/perf-script/parse-perf-script';
import { FIXTURES } from '../helpers/paths';
import { cpuMs } from '../helpers/cpu-time';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const NUMA = join(FIXTURES, 'perf/flamegraph-tests/perf-numa-stacks-01.txt');

const text0 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function totalSamples(bytes: Uint8Array): number {
  const p = parsePerfScript(bytes);
  let n = 0;
  for (let s = 0; s < p.sampleCount; s++) n += p.values[s * p.sampleTypes.length];
  return n;
}

describe('a perf script cut anywhere', () => {
  it('reads what is there, keeps the partial last record, and says when a line was cut', () => {
    const full = readFileSync(NUMA);
    const fullCount = totalSamples(full);
    const comms = new Set(text0(full).split('\n').filter((l) => /^[^#\s]/.test(l)).map((l) => l.split(/\s+\d/)[0].replaceAll(' ', '_')));
    expect(comms.size).toBeGreaterThan(1);
    const text = full.toString('latin1');
    const firstRecord = text.search(/^\S+\s+\d+ \[/m);
    let cutMidLine = 0;
    for (let i = 1; i <= 60; i++) {
      const at = Math.floor((full.length * i) / 61) + (i % 7);
      const cut = full.subarray(0, at);
      if (at <= firstRecord) {
        expect(() => parsePerfScript(cut)).toThrow(FormatError);
        continue;
      }
      const p = parsePerfScript(cut);
      const n = totalSamples(cut);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(fullCount);
      // Every stack still has its process at the root.
      for (const line of collapseProfile(p, 0).split('\n').filter(Boolean)) expect(comms).toContain(line.split(';')[0].replace(/ \d+$/, ''));
      const lastLine = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
      if (at < full.length && full[at - 1] !== 0x0a && !parseStackLine(lastLine) && !parseRecordHeader(lastLine) && lastLine.length > 0) {
        cutMidLine++;
        expect(p.comments.some((c) => /ends in the middle of a line/.test(c))).toBe(true);
      }
    }
    expect(cutMidLine).toBeGreaterThan(10);
  });
});

describe('perf script lines that are not what they seem', () => {
  it('refuses text without any sample record, naming the first bad line', () => {
    expect(() => parsePerfScript(utf8('# just a header\n\nhello world\n'))).toThrow(/^no perf script samples: line 3 is neither a sample header/);
    expect(() => parsePerfScript(utf8(''))).toThrow(FormatError);
    expect(() => parsePerfScript(utf8('#\n#\n'))).toThrow(/expected sample headers/);
  });

  it('reads perf script of a recording without call stacks (one line per sample)', () => {
    const flat = [
      '            perf  2945 [000] 178226.464329:          1 cycles:ppp:  ffffffff8106a5d6 native_write_msr+0x6 ([kernel.kallsyms])',
      '         swapper     0 [001] 178226.464400:     174522 cycles:ppp:  ffffffff81a2e6b2 intel_idle+0xc2 ([kernel.kallsyms])',
      '    V8 Worker 1/77 178226.4645:       5000 cycles:ppp:      7f0012 [unknown] (/usr/lib/libv8.so)',
      '',
    ].join('\n');
    expect(detectFormat(utf8(flat))).toEqual({ format: 'perf-script' });
    const p = parsePerfScript(utf8(flat));
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['samples', 'cycles:ppp']);
    expect(collapseProfile(p, 1, stackcollapsePerfOptions({ tid: true, all: true }))).toBe(
      'V8_Worker-1/77;[libv8.so] 5000\nperf-?/2945;native_write_msr_[k] 1\nswapper-?/0;intel_idle_[k] 174522\n',
    );
    expect(p.comments).toEqual([]);
  });

  it('skips lines it cannot read and lists them by number', () => {
    const p = parsePerfScript(utf8('app 12 [000] 1.0: cycles:\n\tffff f (/bin/app)\n!!garbage!!\n\nbad\n\napp 12 [000] 2.0: cycles:\n\tffff g (/bin/app)\n\n'));
    expect(collapseProfile(p, 0)).toBe('app;f 1\napp;g 1\n');
    expect(p.comments).toEqual(['warning: 2 lines not in perf script form skipped (lines 3, 5)']);
  });

  it('reads binary garbage between records without crashing', () => {
    const junk = new Uint8Array(5000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    const bytes = new Uint8Array([...utf8('app 1 [000] 1.0: cycles:\n\tffff f (/bin/app)\n\n'), ...junk, ...utf8('\n\napp 1 [000] 2.0: cycles:\n\tffff f (/bin/app)\n\n')]);
    const p = parsePerfScript(bytes);
    expect(p.sampleCount).toBeGreaterThan(0);
    expect(p.comments.some((c) => c.startsWith('warning:'))).toBe(true);
  });

  it('matches long runs of digits and blanks in linear time (no regex backtracking)', () => {
    const digits = '1'.repeat(200_000);
    const blanks = ' '.repeat(200_000);
    const lines = [
      `ab ${digits}x`,
      `ab${blanks}${digits}/${digits}x`,
      `a${' 1'.repeat(100_000)}:`,
      `\t${'f'.repeat(200_000)} ${'('.repeat(100_000)}`,
      `x${' ('.repeat(100_000)})`,
      `cmd 1 :${blanks}${digits}${blanks}cycles:`,
      `# captured on${blanks}x${blanks}`,
      `#${blanks}:${blanks}`,
    ];
    const t0 = cpuMs();
    for (const line of lines) {
      parseRecordHeader(line);
      parseEventField(line);
      parseStackLine(line);
    }
    expect(() => parsePerfScript(utf8(lines.join('\n')))).not.toThrow(RangeError);
    // Well under a second of CPU; a backtracking pattern takes minutes on these 200,000-character
    // lines. CPU time, not wall time: other processes on a loaded machine do not count.
    expect(cpuMs() - t0).toBeLessThan(20_000);
  });

  it('reads CRLF line endings and a UTF-8 BOM', () => {
    const p = parsePerfScript(utf8('\ufeffapp 1/2 [003] 1.5: 7 cpu-clock:\r\n\tffff main+0x1f (/bin/app)\r\n\r\n'));
    expect(collapseProfile(p, 1, stackcollapsePerfOptions({ tid: true }))).toBe('app-1/2;main 7\n');
  });

  it('reproduces stackcollapse-perf quirks: "?" for a missing pid, a tid of 0, one-letter-short commands', () => {
    const p = parsePerfScript(utf8('swapper 0/0 [001] 1.0: cpu-clock:\n\tffff cpu_idle ([kernel.kallsyms])\n\nV8 Worker 12 1.0: cpu-clock:\n\t1 [unknown] (/usr/lib/libv8.so)\n\n'));
    expect(collapseProfile(p, 0, stackcollapsePerfOptions({ tid: true, all: true }))).toBe('V8_Worker-?/12;[libv8.so] 1\nswapper-?/0;cpu_idle_[k] 1\n');
    expect(collapseProfile(p, 0, stackcollapsePerfOptions({ pid: true }))).toBe('V8_Worker-?;[libv8.so] 1\nswapper-?;cpu_idle 1\n');
  });

  it('turns perf inline chains into inlined frames, marked _[i] as stackcollapse-perf marks them', () => {
    const p = parsePerfScript(utf8('app 5 1.0: cycles:\n\t10 leaf (/bin/app)\n\t20 outer->inner->innermost (/bin/app)\n\t30 main (/bin/app)\n\n'));
    expect(collapseProfile(p, 0, stackcollapsePerfOptions({ all: true }))).toBe('app;main;outer;inner_[i];innermost_[i];leaf 1\n');
    expect(collapseProfile(p, 0)).toBe('app;main;outer;inner;innermost;leaf 1\n');
  });
});
