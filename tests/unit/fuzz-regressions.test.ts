// Defects the long fuzz run (npm run fuzz) found, each with its minimal input: a message that
// quoted input with control characters, and lines that took a parser quadratic time. (The
// gctrace one is in gctrace-bad-input.test.ts.)
import { expect, test } from 'vitest';
import { parseEscapes } from '../../src-main/formats/escapes/parse-escapes';
import { parseGoBench } from '../../src-main/formats/gobench/parse-gobench';
import { FormatError } from '../../src-main/formats/format-error';
import { parseGoroutineDump } from '../../src-main/formats/goroutine-dump/parse-goroutine-dump';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

// escapes, seed 1, input 3840: JSON.parse's message quotes the input around the error.
test('escape analysis JSON whose header holds a control character: the message has it escaped', () => {
  const header = '{"version":0,"package":"main","goos":"linux","goarch":\u0018amd64","gc_version":"go1.26.8","file":"/x/main.go"}';
  let message = '';
  try {
    parseEscapes(`${header}\n{"range":{"start":{"line":1,"character":1}},"code":"canInlineFunction","message":"cost: 6"}\n`);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    message = (err as Error).message;
  }
  expect(message).toMatch(/^line 1 is not the JSON header of go build -gcflags=-json: /);
  expect(message).not.toMatch(CONTROL);
  expect(message).toContain('\\x18');
});

// goroutine-dump, seed 1, input 5374: a debug=1 frame line of a million characters made of
// repeated "+0x34\t" pieces took minutes (the frame pattern backtracked over every piece).
test('a debug=1 dump with a megabyte-long frame line is read, the line reported, the rest kept', () => {
  const frame = '#\t0x4ff7dc\tmain.sleeper+0x1c\tgpw/tests/dumpgen/main.go:30';
  const long = '#\t0x4ff874\tmain.deepRecursion+0x34\t' + 'gpwrsion+0x34\t'.repeat(80_000);
  const dump = ['goroutine profile: total 5', '4 @ 0x4ff7dd 0x486e81', frame, '', '1 @ 0x4ff875 0x486e81', long, ''].join('\n');
  const d = parseGoroutineDump(new TextEncoder().encode(dump));
  expect(d.format).toBe('debug=1');
  expect(d.goroutines[0]).toMatchObject({ count: 4, frames: [{ func: 'main.sleeper', file: 'gpw/tests/dumpgen/main.go', line: 30 }] });
  const warning = d.warnings.find((w) => w.startsWith('line 6: '));
  expect(warning).toMatch(/is not a frame$/);
  expect(warning!.length).toBeLessThan(200);
});

// gobench, seed 1, input 30601: a value field of a long run of digits that is no number (a
// 2.4 MB field took minutes; this 1 MB one took more than 20 s per 300 KB before the fix).
test('a benchmark line with a megabyte-long field that is no number: reported, the other lines read', () => {
  const text = `BenchmarkA-2   \t     100\t         5.0 ns/op\nBenchmarkSort-2   \t    5122\t     1393${'1'.repeat(1_000_000)}42.00x widgets/op\n`;
  const f = parseGoBench(text);
  expect(f.results.map((r) => [r.name, r.iters, r.values])).toEqual([['A-2', 100, [{ value: 5e-9, unit: 'sec/op' }]]]);
  expect(f.warnings.map((w) => w.line)).toEqual([2]);
  expect(f.warnings[0].message.length).toBeLessThan(300);
});

// escapes, seed 1, input 9373: a 1.2 MB line of repeated positions holding a U+2028 (which `.`
// does not match) was tried at each of its 10,898 ".go:" pieces with a scan to its end.
test('a -m output line of repeated positions with a line separator in it is read in one pass', () => {
  const logWith = (repeats: number): ReturnType<typeof parseEscapes> =>
    parseEscapes(`# gpw/tests/hotspots\n./main.go:29:6: can inline mix\n./main.go:29:6: ${'/usr/local/go/src/sync/atomic/type.go:61:28:     from atomic.x '.repeat(repeats)}\u2028 end\n./main.go:120:3: can inline block.func1.deferwrap1\n`);
  const long = logWith(20_000);
  const short = logWith(2);
  expect(long.packages).toEqual(['gpw/tests/hotspots']);
  // Read as the same line two pieces long is: the length changes nothing but the message.
  expect(long.diagnostics.length).toBe(short.diagnostics.length);
  expect(long.decls).toEqual(short.decls);
  expect(long.decls.length).toBeGreaterThan(0);
});
