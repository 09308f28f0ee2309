// Folded stacks (`a;b;c 42`): the collapsed fixtures (speedscope's stackcollapse samples, a
// real stackcollapse-perf.pl output), encodings, line endings, invalid lines, and what a file
// with nothing valid says.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapseProfile } from '../../src-main/analysis/collapsed';
import { detectFormat } from '../../src-main/formats/detect-format';
import { parseFolded } from '../../src-main/formats/folded/parse-folded';
import { FormatError } from '../../src-main/formats/format-error';
import { FIXTURES } from '../helpers/paths';

const DIR = join(FIXTURES, 'collapsed');
const fixture = (name: string): Buffer => readFileSync(join(DIR, name));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The reference: stacks summed and sorted by bytes, from a plain reading of the lines. */
function expectedFolded(text: string): string {
  const sums = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(.+)\s(\d+)$/.exec(line);
    if (!m || line.startsWith('#') || line.startsWith('//')) continue;
    sums.set(m[1], (sums.get(m[1]) ?? 0) + Number(m[2]));
  }
  return [...sums.keys()]
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => `${k} ${sums.get(k)}\n`)
    .join('');
}

describe('collapsed fixtures', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  for (const file of files) {
    it(`${file}: detected by content, stacks and counts kept`, () => {
      const bytes = fixture(file);
      expect(detectFormat(bytes.subarray(0, 65536))).toEqual({ format: 'folded' });
      const p = parseFolded(bytes);
      const text = new TextDecoder(bytes[0] === 0xfe ? 'utf-16be' : bytes[0] === 0xff ? 'utf-16le' : 'utf-8').decode(bytes);
      expect(collapseProfile(p, 0)).toBe(expectedFolded(text));
    });
  }

  it('a stackcollapse-perf.pl output comes back byte for byte', () => {
    const bytes = fixture('speedscope-perf-vertx-stacks-01-collapsed-all.txt');
    expect(collapseProfile(parseFolded(bytes), 0)).toBe(bytes.toString('utf8'));
  });

  it('UTF-16 LE and BE with a BOM, and CRLF, read as the plain UTF-8 file', () => {
    const plain = collapseProfile(parseFolded(fixture('speedscope-simple.txt')), 0);
    expect(plain).toBe('a;b 5\na;b;c 5\na;b;d 4\n');
    for (const f of ['speedscope-simple-utf16-le.txt', 'speedscope-simple-utf16-be.txt', 'speedscope-simple-crlf.txt']) {
      expect(collapseProfile(parseFolded(fixture(f)), 0), f).toBe(plain);
    }
  });

  it('skips comments and reports invalid lines by number', () => {
    const p = parseFolded(fixture('speedscope-simple-with-invalids.txt'));
    expect(collapseProfile(p, 0)).toBe('a;b 5\na;b;c 5\na;b;d 4\n');
    expect(p.comments).toEqual(['warning: skipped 1 line that is not "frame;frame;... count": line 8 "invalid line"']);
  });
});

describe('folded stacks', () => {
  it('builds one frame per name, root first, and sums equal stacks', () => {
    const p = parseFolded(utf8('main;work;leaf 3\nmain;work 2\nmain;work;leaf 4\n'));
    expect(p.sampleTypes).toEqual([{ type: 'samples', unit: 'count' }]);
    expect(p.sampleCount).toBe(2);
    expect(Array.from(p.values)).toEqual([7, 2]);
    // Leaf first in the model.
    const names = Array.from(p.sampleLocs.subarray(p.sampleLocStart[0], p.sampleLocStart[1]), (l) => p.strings[p.functionName[p.lineFunction[p.locLineStart[l]]]]);
    expect(names).toEqual(['leaf', 'work', 'main']);
  });

  it('takes BCC and async-profiler forms: tabs, decimals, frames with spaces and annotations', () => {
    const p = parseFolded(utf8('java;Thread.run_[j];Object.wait()_[k]\t12\nfoo;operator new(unsigned long) 2.5\n'));
    expect(collapseProfile(p, 0)).toBe('foo;operator new(unsigned long) 2.5\njava;Thread.run_[j];Object.wait()_[k] 12\n');
  });

  it('refuses a file without any stack, naming the first bad line', () => {
    const bad = (text: string): FormatError => {
      try {
        parseFolded(utf8(text));
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return e as FormatError;
      }
      throw new Error('no error');
    };
    expect(bad('# only a comment\n\n').message).toBe('no folded stacks: the file has only blank or comment lines');
    expect(bad('# header\nhello world\n').message).toBe('no folded stacks: line 2 is not "frame;frame;... count" (it does not end in a blank and a count): "hello world"');
    expect(bad('a;b 12x\n').message).toMatch(/^no folded stacks: line 1 /);
    expect(bad(' 42\n').message).toMatch(/line 1 .*no stack/);
    expect(bad('a;b 1e999999\n').message).toMatch(/line 1/);
  });

  it('lists at most five bad lines, then "..."', () => {
    const text = ['a;b 1', ...Array.from({ length: 8 }, (_, i) => `bad ${i} x`)].join('\n');
    const p = parseFolded(utf8(text));
    expect(p.comments[0]).toMatch(/^warning: skipped 8 lines .*line 2 .*line 6 "bad 4 x", \.\.\.$/);
  });

  it('is not fooled by other text: metrics, gctrace, perf script', () => {
    const detect = (s: string): string | null => detectFormat(utf8(s)).format;
    expect(detect('a;b 1\nc;d 2\n')).toBe('folded');
    expect(detect('go_goroutines 7\ngo_threads 12\n')).not.toBe('folded');
    expect(detect('gc 1 @0.004s 2%: 0.018+0.44+0.003 ms clock, 0.072+0.1/0.3/0+0.012 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n')).not.toBe('folded');
    expect(detect('java 123 [000] 1.5: cycles:\n\tffff a;b (x)\n\n')).toBe('perf-script');
  });

  it('reads a long file in one pass (stacks across decoding chunks)', () => {
    const line = 'root;' + 'x;'.repeat(30) + 'leaf 1\n';
    const n = 200_000; // ~13 MB: crosses the 8 MB decoding chunk
    const big = utf8(line.repeat(n));
    const p = parseFolded(big);
    expect(p.sampleCount).toBe(1);
    expect(p.values[0]).toBe(n);
  });
});
