// Bad gctrace input: unreadable lines are reported with their line numbers and the rest is read;
// a file without any cycle, or a binary one, is a clear error; nothing crashes or hangs.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGcLogs } from '../go/gcload-gen.mjs';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { FormatError } from '../../src-main/formats/format-error';
import { detectFormat } from '../../src-main/formats/detect-format';
import { MAX_RUNTIME_LINE, joinPieces } from '../../src-main/formats/gctrace/split-lines';
import { cpuMs } from '../helpers/cpu-time';

let real = '';
beforeAll(async () => {
  const { dir } = await ensureGcLogs({ set: 'versions/default', configs: [{ name: 'gogc100', env: {} }, { name: 'gogc50-limit48', env: { GOGC: '50', GOMEMLIMIT: '48MiB' } }], args: ['-steps', '300000', '-work', '50'], godebug: 'gctrace=1,gcpacertrace=1,scavtrace=1' });
  real = readFileSync(`${dir}/gogc50-limit48.log`, 'utf8');
}, 300_000);

/** The line number of cycle n in the real log (read, so a split line of the real run is found too). */
const lineOfCycle = (n: number): number => parseGctrace(real).cycles.find((c) => c.n === n)!.line;
/** The first cycle from `from` on whose line and the next cycle's are whole in the real log. */
const wholeCycle = (from: number): number => {
  const lines = real.split('\n');
  const whole = (n: number): boolean => lines[lineOfCycle(n) - 1].startsWith(`gc ${n} @`);
  let n = from;
  while (!whole(n) || !whole(n + 1)) n++;
  return n;
};

test('a damaged line is reported by number, the cycles around it are read', () => {
  const lines = real.split('\n');
  const n = wholeCycle(5);
  const at = lineOfCycle(n);
  lines[at - 1] = lines[at - 1].replace(/ ms cpu, .*/, ' ms cpu, 12->1'); // cut inside the heap sizes
  const log = parseGctrace(lines.join('\n'));
  expect(log.cycles.map((c) => c.n)).not.toContain(n);
  expect(log.cycles.map((c) => c.n)).toContain(n + 1);
  expect(log.warnings[0]).toEqual({ line: at, message: expect.stringMatching(/unreadable gctrace line: cannot read the heap sizes \(a->b->c MB\) at character \d+/) });
  expect(log.warnings[1]).toEqual({ line: lineOfCycle(n + 1), message: `cycle ${n} is missing before cycle ${n + 1}` });
});

// The runtime writes each number and each bit of text of its lines separately; the program's
// own line can land between any two of those writes (seen in CI: "gc " + program line + "6 @…",
// and "pacer: sweep done at heap size 25" + program line + "MB; …").
const WHOLE_LINES: [string, RegExp][] = [
  ['gc', /^gc \d+ @.* P( \(forced\))?$/],
  ['pacer start', /^pacer: assist ratio=\S+ \(scan \d+ MB in \d+->\d+ MB\) workers=\d+\+\S+$/],
  ['pacer end', /^pacer: \d+% CPU \(\d+ exp\.\) for \d+\+\d+\+\d+ B work \(\d+ B exp\.\) in \d+ B -> \d+ B \(∆goal -?\d+, cons\/mark \S+\)$/],
  ['scav', /^scav \d+ KiB work \(bg\), \d+ KiB work \(eager\), \d+ KiB now, \d+% util$/],
];
test.each(WHOLE_LINES)('a %s line split by the output of the program at any of its pieces is mended', (_kind, whole) => {
  const lines = real.split('\n');
  const from = lineOfCycle(wholeCycle(5));
  const at = lines.findIndex((l, i) => i >= from - 1 && whole.test(l)) + 1;
  const original = lines[at - 1];
  expect(original).toMatch(whole);
  const expected = parseGctrace(real);
  const withoutLines = <T extends { line: number }>(xs: T[]): Omit<T, 'line'>[] => xs.map(({ line, ...x }) => x);
  const first = ['gc ', 'pacer: ', 'scav '].find((p) => original.startsWith(p))!.length; // the line's first write
  let cuts = 0;
  for (let cut = first; cut < original.length; cut++) {
    if (/[\d.]/.test(original[cut - 1]) && /[\d.]/.test(original[cut])) continue; // numbers are written whole
    for (const program of [['gcload: 50% done, live target 16 MB'], ['worker 3 started', 'gcload: 60% done']]) {
      const split = [...lines.slice(0, at - 1), original.slice(0, cut) + program[0], ...program.slice(1), original.slice(cut), ...lines.slice(at)];
      const log = parseGctrace(split.join('\n'));
      const where = `cut at ${cut}: ${original.slice(0, cut)}|${original.slice(cut)}`;
      expect(log.warnings, where).toEqual([]);
      expect(withoutLines(log.cycles), where).toEqual(withoutLines(expected.cycles));
      expect(withoutLines(log.scav), where).toEqual(withoutLines(expected.scav));
      expect(log.otherLines, where).toBe(expected.otherLines + program.length);
    }
    cuts++;
  }
  expect(cuts).toBeGreaterThan(10);
});

test('a damaged line before a split one does not borrow its rest ("gc 5" + "6 @…" is not cycle 56)', () => {
  const lines = real.split('\n');
  const n = wholeCycle(5);
  const at = lineOfCycle(n);
  const next = lineOfCycle(n + 1);
  const nextLine = lines[next - 1];
  lines[next - 1] = `gc gcload: 50% done\n${nextLine.slice(3)}`;
  lines[at - 1] = lines[at - 1].replace(/ @.*/, '');
  const log = parseGctrace(lines.join('\n'));
  expect(log.cycles.map((c) => c.n)).toEqual(parseGctrace(real).cycles.map((c) => c.n).filter((c) => c !== n));
  expect(log.cycles.find((c) => c.n === n + 1)!.line).toBe(next);
  expect(log.warnings).toEqual([
    { line: at, message: 'unreadable gctrace line: it starts like one but has no "@T s N%:" part' },
    { line: next, message: `cycle ${n} is missing before cycle ${n + 1}` },
  ]);
});

test('every kind of damage: letters for numbers, missing fields, junk pacer and scav lines', () => {
  const text = [
    'starting my service',
    'gc 1 @0.004s 5%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 2 @0.010s 5%: x+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 3 @0.020s 5%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 0 P',
    'gc 4 @0.030s',
    'pacer: something new',
    'scav 12 KiB of something',
    'request served in 3ms',
    'gc 5 @0.040s 5%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB goal, 2 P (forced)',
  ].join('\r\n');
  const log = parseGctrace(text);
  expect(log.cycles.map((c) => [c.n, c.forced, c.stacksBytes])).toEqual([
    [1, false, 0],
    [5, true, null],
  ]);
  expect(log.warnings.map((w) => w.line)).toEqual([3, 4, 5, 6, 7, 9]);
  expect(log.warnings[0].message).toMatch(/wall-clock times/);
  expect(log.warnings[1].message).toMatch(/processor count is 0/);
  expect(log.warnings[2].message).toMatch(/no "@T s N%:" part/);
  expect(log.warnings[3].message).toMatch(/gcpacertrace line in an unknown format/);
  expect(log.warnings[4].message).toMatch(/scavtrace line in an unknown format/);
  expect(log.warnings[5].message).toBe('cycles 2–4 are missing before cycle 5');
  expect(log.otherLines).toBe(2);
  expect(log.goVersionHint).toBe('>= 1.18');
});

test('a cycle that ends with collection off has no goal (the runtime prints one of about 2^63 bytes)', () => {
  // The last line of a gcload run whose program called debug.SetGCPercent(-1) during the cycle.
  const text = [
    'gc 54 @6.110s 17%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 58->60->30 MB, 61 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 55 @6.214s 17%: 0.47+41+0.006 ms clock, 0.95+2.0/33/1.9+0.013 ms cpu, 58->63->30 MB, 8532210231530 MB goal, 0 MB stacks, 0 MB globals, 2 P',
  ].join('\n');
  const log = parseGctrace(text);
  expect(log.warnings.map((w) => w.message)).toEqual(['the log starts at cycle 54; earlier cycles are missing']);
  expect(log.cycles.map((c) => c.goalBytes)).toEqual([61 * 2 ** 20, null]);
});

test('a log cut off in the middle of a line', () => {
  const cut = real.slice(0, real.lastIndexOf('gc ') + 40);
  const log = parseGctrace(cut);
  const lastLine = cut.split('\n').length;
  expect(log.warnings.at(-2)).toEqual({ line: lastLine, message: expect.stringMatching(/unreadable gctrace line/) });
  expect(log.warnings.at(-1)).toEqual({ line: lastLine, message: 'the log ends in the middle of this line (cut off?)' });
  expect(log.cycles.length).toBe(parseGctrace(real).cycles.length - 1);
});

test('gctrace lines glued to the program output, CRLF line ends, two processes', () => {
  const lines = real.split('\n');
  const at = lineOfCycle(wholeCycle(3));
  lines[at - 1] = `worker 7: done${lines[at - 1]}`;
  const twice = `${lines.join('\r\n')}\r\n${real}`;
  const log = parseGctrace(twice);
  const one = parseGctrace(real);
  expect(log.warnings).toEqual([]);
  expect(log.processes).toBe(2);
  expect(log.cycles.length).toBe(2 * one.cycles.length);
  const i = one.cycles.findIndex((c) => c.line === at);
  expect(log.cycles[i]).toEqual(one.cycles[i]);
  expect(log.cycles[one.cycles.length]).toMatchObject({ n: 1, process: 1 });
  expect(detectFormat(new TextEncoder().encode(`booting\nworker 7: done${real.slice(real.indexOf('gc 1 '))}`))).toEqual({ format: 'gctrace' });
});

test('no cycles at all, binary data, empty input: errors that say what a gctrace log is', () => {
  expect(() => parseGctrace('hello\nworld\n')).toThrow(FormatError);
  expect(() => parseGctrace('hello\nworld\n')).toThrow(/no GC cycles found: a gctrace log has lines like "gc 1 @0.012s 2%: …", written to stderr by a Go program run with GODEBUG=gctrace=1/);
  expect(() => parseGctrace('gc 1 @0.1s 5%: junk\n')).toThrow(/1 lines looked like gctrace's but could not be read \(first: line 1: unreadable gctrace line: cannot read the wall-clock times/);
  expect(() => parseGctrace('')).toThrow(/no GC cycles found/);
  const binary = new Uint8Array([0x1f, 0x8b, 0, 0, 1, 2, 3]);
  expect(() => parseGctrace(binary)).toThrow(/binary data, not a gctrace log \(a zero byte at offset 2\)/);
});

test('a big log (100k cycles, 17 MB) reads in seconds', () => {
  const line = (n: number): string => `gc ${n} @${(n / 100).toFixed(3)}s 9%: 0.10+3.2+0.05 ms clock, 0.20+1.1/2.3/0.4+0.10 ms cpu, 40->48->24 MB, 48 MB goal, 0 MB stacks, 0 MB globals, 2 P\nok\n`;
  const parts: string[] = [];
  for (let n = 1; n <= 100_000; n++) parts.push(line(n));
  const t0 = cpuMs();
  const log = parseGctrace(parts.join(''));
  expect(log.cycles.length).toBe(100_000);
  expect(log.otherLines).toBe(100_000);
  // About 1 s of CPU, and a quadratic parser would take many minutes. CPU time, not wall time: a
  // loaded machine has been seen to need over 10 s of wall time for the same work.
  expect(cpuMs() - t0).toBeLessThan(60_000);
}, 120_000);

test('too many damaged lines are counted, not all listed', () => {
  const bad = Array.from({ length: 500 }, (_, i) => `gc ${i + 2} @1s 5%: broken`).join('\n');
  const log = parseGctrace(`gc 1 @0.004s 5%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n${bad}\n`);
  expect(log.warnings.length).toBe(201);
  expect(log.warnings.at(-1)).toEqual({ line: 0, message: '300 more warnings not shown' });
});

test('a gc line split by the program writing to the same file is mended, with the text that split it counted as program output', () => {
  const log = [
    'gc 1 @0.005s 12%: 0.87+3.5+0.061 ms clock, 1.7+0.20/1.1/0+0.12 ms cpu, 3->6->5 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 2 @0.014s 11%: 0.30+14+0.69 ms clock, gcload: 10% done, live target 30 MB',
    '0.60+0.66/1.7/0.67+1.3 ms cpu, 9->21->20 MB, 11 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 3 @0.030s 11%: 0.30+14+0.69 ms clock, 0.60+0.66/1.7/0.67+1.3 ms cpu, 21->30->25 MB, 40 MB goal, 0 MB stacks, 0 MB globals, 2 P',
    'gc 4 @0.050s 11%: 0.30+14+0.69 ms clock, 0.60+0.66/1.7/0.67+1.3 ms cpu, 25->',
    'no rest ever comes',
    'a',
    'b',
    'gc 5 @0.070s 11%: 0.30+14+0.69 ms clock, 0.60+0.66/1.7/0.67+1.3 ms cpu, 25->30->26 MB, 50 MB goal, 0 MB stacks, 0 MB globals, 2 P',
  ].join('\n') + '\n';
  const parsed = parseGctrace(log);
  expect(parsed.cycles.map((c) => [c.n, c.line])).toEqual([[1, 1], [2, 2], [3, 4], [5, 9]]);
  expect(parsed.cycles[1]).toMatchObject({ heapStartBytes: 9 * 2 ** 20, heapEndBytes: 21 * 2 ** 20, goalBytes: 11 * 2 ** 20, procs: 2 });
  expect(parsed.warnings.map((w) => w.line)).toEqual([5, 9]);
  expect(parsed.warnings[0].message).toMatch(/unreadable gctrace line/);
  expect(parsed.warnings[1].message).toMatch(/cycle 4 is missing before cycle 5/);
});

// Found by the long fuzz run (seed 1, input 96839: a 6 MB log that took minutes): unreadable
// pacer lines wait for their rest, and a 3.7 MB line of program output after them was tried as
// that rest against every cut of every waiting line.
test('a megabyte-long line of program output after unreadable runtime lines is not tried as their rest', () => {
  const badPacer = 'pacer: sw2/0+1.3 ms cpu, 8->11->7 MB, 10 MB goal, 0 MB stacks, 0 MB globals, 2 P';
  const gc1 = 'gc 1 @0.004s 13%: 0.13+4.7+0.13 ms clock, 0.27+1.3/1.0/0+0.27 ms cpu, 3->5->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P';
  const long = 'pac' + '\u0089'.repeat(4 << 20);
  const parsed = parseGctrace([gc1, badPacer, badPacer, badPacer, long, badPacer, gc1.replace('gc 1 @0.004s', 'gc 2 @0.010s')].join('\n') + '\n');
  expect(parsed.cycles.map((c) => [c.n, c.line])).toEqual([[1, 1], [2, 7]]);
  expect(parsed.warnings.map((w) => w.line)).toEqual([2, 3, 4, 6]);
  // The bound itself: a rest longer than any runtime line completes nothing; a real rest still does.
  const head = 'gc 2 @0.014s 11%: 0.30+14+0.69 ms clock, ';
  const rest = '0.60+0.66/1.7/0.67+1.3 ms cpu, 9->21->20 MB, 11 MB goal, 0 MB stacks, 0 MB globals, 2 P';
  expect(joinPieces('gc', head, rest)).toBe(head + rest);
  expect(joinPieces('gc', head, rest + ' '.repeat(MAX_RUNTIME_LINE))).toBeNull();
});
