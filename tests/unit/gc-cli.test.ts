// gpw gc on the built CLI: the summary's figures come straight from the gctrace lines, the
// what-if prints the documented JSON shape, a library id and the file give the same answers,
// and bad input ends in a clear message naming the file, with nothing imported.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCliGcLog, gcLinesOf } from '../go/gcload-gen.mjs';
import { goProfile, tempDir } from '../helpers/paths';
import { gpw, gpwJson } from '../helpers/run';

let log = '';
let lib = '';
let dir = '';
let cleanup = (): void => {};

beforeAll(async () => {
  // Made by npm test's global setup on a quiet machine (made here when missing).
  const r = await ensureCliGcLog();
  log = join(r.dir, 'gogc100.log');
  ({ dir, cleanup } = tempDir('gpw-gc-cli-'));
  lib = join(dir, 'lib.sqlite');
}, 300_000);
afterAll(() => cleanup());

interface Figures {
  gcCount: number;
  peakHeapBytes: number;
  gcCpuFraction: number;
}

test('--summary --json: cycles, GC CPU and peak heap as the gctrace lines say', async () => {
  const lines: string[] = gcLinesOf(readFileSync(log, 'utf8'));
  const s = await gpwJson<{ recorded: Figures & { forcedCount: number } }>(lib, 'gc', log, '--summary');
  expect(s.recorded.gcCount).toBe(lines.length);
  expect(s.recorded.forcedCount).toBe(lines.filter((l) => l.endsWith(' (forced)')).length);
  expect(s.recorded.gcCpuFraction).toBe(Number(/ (\d+)%:/.exec(lines.at(-1)!)![1]) / 100);
  expect(s.recorded.peakHeapBytes).toBe(Math.max(...lines.map((l) => Number(/ \d+->(\d+)->\d+ MB/.exec(l)![1]))) * 2 ** 20);
  const text = await gpw(lib, 'gc', log);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`GC cycles       ${lines.length} (`);
});

test('--what-if --json prints recorded and predicted figures; a library id answers the same', async () => {
  const w200 = await gpwJson<{ recorded: Figures; predicted: Figures; expected: { gcCount: [number, number] } }>(lib, 'gc', log, '--what-if', '--gogc', '200');
  expect(Object.keys(w200.recorded).sort()).toEqual(['gcCount', 'gcCpuFraction', 'peakHeapBytes']);
  expect(Object.keys(w200.predicted).sort()).toEqual(['gcCount', 'gcCpuFraction', 'peakHeapBytes']);
  const s = await gpwJson<{ recorded: Figures & { gcCpuFractionFromCycles: number } }>(lib, 'gc', log, '--summary');
  // The what-if compares GC CPU as the replay counts it: the cycles' summed CPU (gctrace's printed share is truncated).
  expect(w200.recorded).toEqual({ gcCount: s.recorded.gcCount, peakHeapBytes: s.recorded.peakHeapBytes, gcCpuFraction: Math.round(s.recorded.gcCpuFractionFromCycles * 1e4) / 1e4 });
  const w50 = await gpwJson<{ predicted: Figures }>(lib, 'gc', log, '--what-if', '--gogc', '50');
  // Doubling GOGC roughly halves the cycles and raises the peak; halving it does the opposite.
  expect(w200.predicted.gcCount).toBeLessThan(s.recorded.gcCount);
  expect(w50.predicted.gcCount).toBeGreaterThan(s.recorded.gcCount);
  expect(w200.predicted.peakHeapBytes).toBeGreaterThan(w50.predicted.peakHeapBytes);
  expect(w200.predicted.gcCpuFraction).toBeLessThan(w50.predicted.gcCpuFraction);
  expect(w200.expected.gcCount[0]).toBeLessThanOrEqual(w200.predicted.gcCount);
  expect(w200.expected.gcCount[1]).toBeGreaterThanOrEqual(w200.predicted.gcCount);

  const imported = await gpwJson<{ artifacts: { id: string; kind: string; subtype: string; summary: { cycles: number } }[] }>(lib, 'import', log);
  const a = imported.artifacts[0];
  expect([a.kind, a.subtype, a.summary.cycles]).toEqual(['gclog', 'gctrace', s.recorded.gcCount]);
  const byFile = await gpwJson(lib, 'gc', log, '--what-if', '--gogc', 'off', '--memlimit', '64MiB');
  const byId = await gpwJson(lib, 'gc', a.id, '--what-if', '--gogc', 'off', '--memlimit', '64MiB');
  expect(byId).toEqual(byFile);
  const trade = await gpwJson<{ sweep: { gogc: number }[]; budget: { best: unknown } }>(lib, 'gc', a.id, '--tradeoff', '--budget', '1GiB');
  expect(trade.sweep.map((p) => p.gogc)).toEqual([25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800]);
  expect(trade.budget.best).not.toBeNull();
});

test('bad input and bad options: clear messages, non-zero exit, nothing imported', async () => {
  const bad = join(dir, 'not-gc.log');
  writeFileSync(bad, 'server started\nlistening on :8080\n');
  const cut = join(dir, 'cut.log');
  writeFileSync(cut, 'gc 1 @0.004s 5%: 0.1+2+0.05 ms clock, 0.2+0.1/1/0+0.1 ms cpu, 3->4->2 MB, 4 MB go');
  const cases: [string[], RegExp, number][] = [
    [['gc', join(dir, 'missing.log')], /missing\.log: no such file/, 1],
    [['gc', bad], /not-gc\.log: not a gctrace log \(this is a text file/, 1],
    [['gc', goProfile('cpu')], /cpu\.pb\.gz: not a gctrace log \(this is a pprof file\)/, 1],
    [['gc', log, '--what-if', '--gogc', '0'], /--gogc must be off or a whole number from 1 to 100000, not "0"/, 2],
    [['gc', log, '--what-if'], /--what-if needs --gogc N\|off/, 2],
    [['gc', log, '--what-if', '--gogc', '100', '--memlimit', '12XB'], /--memlimit: "12XB" is not a size/, 2],
    [['gc', log, '--gogc', '100'], /--gogc goes with --what-if/, 2],
  ];
  for (const [args, message, code] of cases) {
    const r = await gpw(lib, ...args);
    expect(r.stderr, args.join(' ')).toMatch(message);
    expect(r.code, args.join(' ')).toBe(code);
  }
  // A library of its own, holding one good log (this test does not lean on the one before).
  const own = join(dir, 'bad-input-lib.sqlite');
  expect((await gpw(own, 'import', log)).code).toBe(0);
  const before = await gpwJson<{ artifacts: unknown[] }>(own, 'list');
  const r = await gpw(own, 'import', log, cut);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/cut\.log: no GC cycles found: .*line 1: unreadable gctrace line: cannot read the heap goal/);
  expect((await gpwJson<{ artifacts: unknown[] }>(own, 'list')).artifacts.length).toBe(before.artifacts.length);
});
