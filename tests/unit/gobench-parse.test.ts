// The go test -bench reader on bad input (a damaged line reported with its line number and
// skipped, a file cut mid-line, an empty file, binary data), the benchmark format's rules
// (configuration lines that change or are removed mid-file, Unit metadata, test logs mixed in,
// unit tidying), and detection: bench output is not taken for gctrace, folded stacks or perf
// script, and their files are not taken for bench output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { benchpairRoot, ensureBenchPairs } from '../go/benchpair-gen.mjs';
import { detectFormat, DETECT_HEAD_BYTES } from '../../src-main/formats/detect-format';
import { parseGoBench } from '../../src-main/formats/gobench/parse-gobench';
import { FormatError } from '../../src-main/formats/format-error';
import { tidyUnit, unitClassOf } from '../../src-main/formats/gobench/bench-units';
import { summarizeBench } from '../../src-main/import/readers/bench';
import { benchCenter } from '../../src-main/analysis/bench/compare-bench';
import { FIXTURES } from '../helpers/paths';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const bad = (s: string | Uint8Array): FormatError => {
  try {
    parseGoBench(s);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('no FormatError');
};

describe('go test -bench parsing', () => {
  it('reads results among test logs, PASS/ok/FAIL lines, with configuration changes', () => {
    const f = parseGoBench(
      [
        '=== RUN   TestX',
        '--- PASS: TestX (0.00s)',
        'goos: linux',
        'goarch: amd64',
        'pkg: example.com/a',
        'cpu: Some CPU @ 2.0GHz',
        'BenchmarkA/size=10-8   \t 1000\t      1234 ns/op\t  16 B/op\t   1 allocs/op',
        '    a_test.go:12: a log line',
        'BenchmarkA/size=10-8   \t 1000\t      1300 ns/op\t  16 B/op\t   1 allocs/op',
        'BenchmarkCopy-8 100 50.5 ns/op 20.27 MB/s 3 widgets/op 7 ns/widget',
        'PASS',
        'ok  \texample.com/a\t1.2s',
        'pkg: example.com/b',
        'cpu:',
        'BenchmarkB 5 10 ns/op',
        'FAIL\texample.com/c [build failed]',
      ].join('\n') + '\n',
    );
    expect(f.warnings).toEqual([]);
    expect(f.results.map((r) => r.name)).toEqual(['A/size=10-8', 'A/size=10-8', 'Copy-8', 'B']);
    expect(f.results[0].values).toEqual([
      { value: 1234 * 1e-9, unit: 'sec/op' },
      { value: 16, unit: 'B/op' },
      { value: 1, unit: 'allocs/op' },
    ]);
    expect(f.results[2].values.map((v) => v.unit)).toEqual(['sec/op', 'B/s', 'widgets/op', 'sec/widget']);
    expect(f.results[2].values[1].value).toBeCloseTo(20.27e6, 3);
    expect(Object.fromEntries(f.results[0].config)).toEqual({ goos: 'linux', goarch: 'amd64', pkg: 'example.com/a', cpu: 'Some CPU @ 2.0GHz' });
    // "cpu:" with nothing after it removes the key.
    expect(Object.fromEntries(f.results[3].config)).toEqual({ goos: 'linux', goarch: 'amd64', pkg: 'example.com/b' });
    expect(f.results[0].config).toBe(f.results[1].config);
  });

  it('reports a damaged line with its line number, skips it, and keeps the rest', () => {
    const f = parseGoBench('goos: linux\nBenchmarkX-8 100 12 ns/op\nBenchmarkY-8 abc 12 ns/op\nBenchmarkZ-8 100 12\nBenchmarkW-8 100\nBenchmarkX-8 100 13 ns/op\n');
    expect(f.results.map((r) => r.line)).toEqual([2, 6]);
    expect(f.warnings).toEqual([
      { line: 3, message: 'unreadable benchmark line: parsing iteration count: invalid syntax ("abc"); skipped' },
      { line: 4, message: 'unreadable benchmark line: missing units; skipped' },
      { line: 5, message: 'unreadable benchmark line: missing measurements; skipped' },
    ]);
    const s = summarizeBench(utf8('BenchmarkX-8 100 12 ns/op\nBenchmarkY-8 abc 12 ns/op\n'));
    expect(s.headline).toBe('1 benchmark × 1 run, units sec/op; 1 line skipped (line 2: unreadable benchmark line: parsing iteration count: invalid syntax ("abc"); skipped)');
  });

  it('says so when the file ends in the middle of a result line', () => {
    const f = parseGoBench('BenchmarkX-8 100 12 ns/op\nBenchmarkX-8 100 13 ns/op\nBenchmarkX-8 100 1');
    expect(f.results).toHaveLength(2);
    expect(f.warnings.map((w) => w.line)).toEqual([3, 3]);
    expect(f.warnings[1].message).toBe('the file ends in the middle of this line (cut off?)');
  });

  it('a file without results is a FormatError that says what was expected', () => {
    expect(bad('').message).toMatch(/^no benchmark results found: go test -bench output has lines like "BenchmarkName-8/);
    expect(bad('PASS\nok  \tx\t0.1s\n').message).toMatch(/^no benchmark results found/);
    const e = bad('goos: linux\nBenchmarkY-8 abc 12 ns/op\n');
    expect(e.message).toContain('(first: line 2: unreadable benchmark line: parsing iteration count');
    expect(e.offset).toBe(2);
    expect(bad(Uint8Array.from([0x42, 0x65, 0, 1, 2, 3])).message).toBe('this is binary data, not go test -bench output (a zero byte at offset 2)');
  });

  it('a bare benchmark name (go test -v) is no result and no warning; Unit lines carry metadata', () => {
    const f = parseGoBench('BenchmarkParent\nBenchmarkParent/sub-2 10 5 ns/op\nUnit ns/op assume=exact better=lower\nUnit x bad\n');
    expect(f.results).toHaveLength(1);
    expect(f.units.map((u) => [u.unit, u.key, u.value])).toEqual([
      ['sec/op', 'assume', 'exact'],
      ['sec/op', 'better', 'lower'],
    ]);
    expect(f.warnings).toEqual([{ line: 4, message: 'unit line: expected key=value' }]);
  });

  it('tidies units as benchstat does', () => {
    expect(tidyUnit('ns/op')).toEqual({ unit: 'sec/op', factor: 1e-9 });
    expect(tidyUnit('MB/s')).toEqual({ unit: 'B/s', factor: 1e6 });
    expect(tidyUnit('ns/MB')).toEqual({ unit: 'sec/MB', factor: 1e-9 });
    expect(tidyUnit('MB*ns/op')).toEqual({ unit: 'B*sec/op', factor: 1e6 / 1e9 });
    expect(tidyUnit('widgets/op')).toEqual({ unit: 'widgets/op', factor: 1 });
    expect(unitClassOf('B/op')).toBe('binary');
    expect(unitClassOf('sec/B')).toBe('decimal');
  });

  it('gives one run centre per benchmark and unit for trends', () => {
    const f = parseGoBench('BenchmarkX-8 1 10 ns/op\nBenchmarkX-8 1 30 ns/op\nBenchmarkX-8 1 20 ns/op\n');
    expect(benchCenter([f], 'BenchmarkX-8', 'ns/op')).toEqual({ center: 20 * 1e-9, lo: null, hi: null, n: 3 });
    expect(benchCenter([f], 'X-8', 'sec/op')?.center).toBe(20 * 1e-9);
    expect(benchCenter([f], 'Y-8', 'sec/op')).toBeNull();
  });
});

describe('detection', () => {
  beforeAll(() => ensureBenchPairs(), 900_000);

  it('real go test -bench outputs are bench, also when damaged or cut', () => {
    for (const pair of readdirSync(benchpairRoot).filter((d) => !d.includes('.') && d !== 'stamp')) {
      for (const side of ['base.txt', 'new.txt']) {
        const bytes = readFileSync(join(benchpairRoot, pair, side));
        expect(detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES)), `${pair}/${side}`).toEqual({ format: 'gobench' });
        const s = summarizeBench(bytes);
        expect(s.headline).toMatch(/^\d+ benchmarks × \d+ runs, units sec\/op B\/op allocs\/op/);
        expect(s.configs[0]).toMatchObject({ goos: expect.any(String), goarch: expect.any(String), pkg: 'gpw.test/benchpair', cpu: expect.any(String) });
      }
    }
    expect(detectFormat(utf8('BenchmarkY-8 abc 12 ns/op\n'))).toEqual({ format: 'gobench' });
    expect(detectFormat(utf8('BenchmarkX-8 100 12 ns/op'))).toEqual({ format: 'gobench' });
  });

  it('gctrace logs, folded stacks and perf script are not bench, and bench is none of them', () => {
    const gcDir = join(benchpairRoot, '..', 'gcload');
    const others: [string, Buffer][] = [];
    if (existsSync(join(gcDir, 'validation'))) for (const f of readdirSync(join(gcDir, 'validation')).filter((n) => n.endsWith('.log'))) others.push([f, readFileSync(join(gcDir, 'validation', f))]);
    for (const sub of ['collapsed', 'perf']) {
      const dir = join(FIXTURES, sub);
      if (existsSync(dir)) for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt'))) others.push([`${sub}/${f}`, readFileSync(join(dir, f))]);
    }
    expect(others.length).toBeGreaterThan(0);
    for (const [name, bytes] of others) expect(detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES)).format, name).not.toBe('gobench');
    // A gctrace-looking or folded-looking line does not turn bench output into those formats.
    const bench = readFileSync(join(benchpairRoot, 'count3', 'base.txt'));
    expect(detectFormat(bench).format).toBe('gobench');
    expect(detectFormat(utf8('main;parse;strconv.Itoa 12\nmain;run 3\n')).format).toBe('folded');
  });
});

describe('a go test -bench run without results', () => {
  it('is recognised by its goos and goarch lines, and the reader says it has no results', () => {
    const text = 'goos: linux\ngoarch: amd64\npkg: example.com/a\nPASS\nok  \texample.com/a\t0.01s\n';
    expect(detectFormat(utf8(text))).toEqual({ format: 'gobench' });
    expect(bad(text).message).toBe('no benchmark results found: go test -bench output has lines like "BenchmarkName-8  1000  1234 ns/op"');
    expect(bad('goos: linux\nBenchmarkY-8 abc 12 ns/op\n').message).toContain('; 1 line could not be read (first: line 2:');
  });
});
