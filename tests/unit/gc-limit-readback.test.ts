// The settings of a gctrace log recorded under a memory limit, read back from its goals as a user who
// does not state them gets them (gc-analysis.ts inferRecordedSettings). A limit that binds most
// cycles holds every goal at its own, so the goals read alone as a lower GOGC without a limit (a
// GOGC=100 steady program under 34 MiB read as GOGC=40, no limit). What no GOGC does gives the
// limit away: a goal pinned at the heap marked before it, a process's first goal above the heap
// minimum (4 MiB × GOGC/100: GOGC off, the first goal is the limit's), or a first goal at the heap
// minimum of a GOGC well above what the later goals read. The corpus's development shapes' limited
// logs read back their limit within 10 % in 27 of 32 (16 before), the held-out shapes' in 31 of 32 (3).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildGcModel, gcWhatIf, SETTINGS_SOURCE } from '../../src-main/analysis/gc/gc-analysis';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';

const MiB = 2 ** 20;
let dir = '';
const settingsOf = (text: string) => buildGcModel(parseGctrace(text)).recordedSettings;

// The full corpus's default-p2/steady-off-limit (GOGC=off, GOMEMLIMIT=44MiB; Go 1.26, 2 Ps), its first 12 cycles.
const OFF_LIMIT = [
  'gc 1 @0.016s 18%: 0.025+7.4+0.008 ms clock, 0.050+8.5/0.037/0+0.017 ms cpu, 34->40->21 MB, 35 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 2 @0.028s 22%: 0.036+4.8+0.005 ms clock, 0.072+6.7/0.045/0+0.010 ms cpu, 32->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 3 @0.041s 24%: 0.030+5.0+0.007 ms clock, 0.061+6.7/0.061/0+0.015 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 4 @0.051s 25%: 0.21+7.2+0.005 ms clock, 0.43+4.7/2.1/0+0.011 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 5 @0.063s 26%: 0.20+4.9+0.066 ms clock, 0.41+5.2/1.4/0+0.13 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 6 @0.073s 27%: 0.070+5.1+0.004 ms clock, 0.14+5.9/0.33/0+0.009 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 7 @0.082s 28%: 0.18+5.6+0.006 ms clock, 0.37+5.3/1.4/0+0.013 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 8 @0.091s 29%: 0.14+4.5+0.004 ms clock, 0.28+5.9/0.094/0+0.009 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 9 @0.100s 29%: 0.022+4.9+0.003 ms clock, 0.044+6.2/0.22/0+0.006 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 10 @0.110s 30%: 0.12+5.1+0.063 ms clock, 0.25+6.3/0.11/0+0.12 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 11 @0.119s 30%: 0.022+5.3+0.004 ms clock, 0.044+6.1/0.32/0+0.008 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 12 @0.129s 30%: 0.13+4.6+0.005 ms clock, 0.27+5.9/0.089/0+0.010 ms cpu, 31->36->20 MB, 36 MB goal, 0 MB stacks, 4 MB globals, 2 P',
].join('\n');

// Its default-p2/steady-hardlimit (GOGC=100, GOMEMLIMIT=34MiB), its first 14 cycles: cycles 3 and 4 pinned at the marked heap.
const HARD_LIMIT = [
  'gc 1 @0.002s 13%: 0.040+8.9+0.078 ms clock, 0.081+2.2/0.54/0+0.15 ms cpu, 3->15->14 MB, 4 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 2 @0.015s 23%: 0.10+9.3+0.005 ms clock, 0.20+8.8/0.058/0+0.011 ms cpu, 23->32->24 MB, 23 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 3 @0.027s 30%: 0.090+5.2+0.005 ms clock, 0.18+7.2/0.24/0+0.011 ms cpu, 24->27->18 MB, 24 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 4 @0.034s 33%: 0.13+4.6+0.003 ms clock, 0.27+5.6/0.88/0+0.007 ms cpu, 18->20->18 MB, 18 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 5 @0.042s 34%: 0.10+4.0+0.004 ms clock, 0.21+5.8/0.063/0+0.008 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 6 @0.053s 32%: 0.085+6.1+0.006 ms clock, 0.17+6.0/1.0/0+0.012 ms cpu, 24->27->19 MB, 26 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 7 @0.063s 33%: 0.10+6.0+0.005 ms clock, 0.21+5.3/1.5/0+0.010 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 8 @0.072s 34%: 0.016+4.1+0.003 ms clock, 0.033+5.7/0.13/0+0.007 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 9 @0.079s 35%: 0.11+4.0+0.045 ms clock, 0.22+5.9/0.080/0+0.090 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 10 @0.086s 35%: 0.028+4.0+0.004 ms clock, 0.057+5.9/0.037/0+0.009 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 11 @0.093s 36%: 0.17+4.9+0.004 ms clock, 0.35+5.9/0.74/0+0.008 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 12 @0.100s 37%: 0.019+4.3+0.003 ms clock, 0.039+6.0/0.23/0+0.007 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 13 @0.108s 37%: 0.13+3.9+0.003 ms clock, 0.27+5.9/0.073/0+0.007 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 14 @0.114s 37%: 0.019+4.3+0.004 ms clock, 0.038+5.5/0.23/0+0.009 ms cpu, 24->27->18 MB, 27 MB goal, 0 MB stacks, 4 MB globals, 2 P',
].join('\n');

beforeAll(async () => {
  dir = (await ensureCorpus('test')).dir;
}, 600_000);

describe('the settings of a limited log, from its goals', () => {
  test("GOGC=off under a limit: its first goal is the limit's, far over any heap minimum", () => {
    const s = settingsOf(OFF_LIMIT);
    expect(s.gogc).toBe(-1);
    expect(Math.abs(s.memLimitBytes! / (44 * MiB) - 1)).toBeLessThan(0.1);
  });

  test('GOGC=100 under a limit that binds every cycle after the start: pinned goals show the limit, the first goal GOGC', () => {
    const s = settingsOf(HARD_LIMIT);
    expect(s).toMatchObject({ gogc: 100, source: 'inferred' });
    expect(Math.abs(s.memLimitBytes! / (34 * MiB) - 1)).toBeLessThan(0.1);
  });

  test('without its first cycle GOGC cannot be read: GOGC=100 is taken, and said to be', () => {
    const s = settingsOf(HARD_LIMIT.split('\n').slice(1).join('\n'));
    expect(s).toMatchObject({ gogc: 100, source: 'limit-bound' });
    expect(SETTINGS_SOURCE[s.source]).toMatch(/nearly every goal was the limit's/);
    expect(Math.abs(s.memLimitBytes! / (34 * MiB) - 1)).toBeLessThan(0.1);
  });

  test('the limit the program ran with, typed, is the recording: within 5 % of the one read, it is taken as read', () => {
    const model = buildGcModel(parseGctrace(HARD_LIMIT));
    const own = gcWhatIf(model, { gogc: 100, memLimitBytes: 34 * MiB });
    expect(own.basis.selfReplay).toBe(true);
    expect(own.predicted.gcCount).toBe(own.recorded.gcCount);
    expect(own.warnings.join('\n')).toMatch(/the limit asked for, 34\.0 MiB, is within 5 % of the [\d.]+ MiB read from the recording's goals/);
    // Further off, a changed limit; and a limit given with the recording is never moved.
    expect(gcWhatIf(model, { gogc: 100, memLimitBytes: 40 * MiB }).basis.selfReplay).toBe(false);
    const given = buildGcModel(parseGctrace(HARD_LIMIT), { recorded: { gogc: 100, memLimitBytes: 34 * MiB } });
    expect(gcWhatIf(given, { gogc: 100, memLimitBytes: 34.5 * MiB }).basis.selfReplay).toBe(false);
  });

  test('the test corpus: its limited logs read their limit and GOGC=100, its other logs no limit and their GOGC', () => {
    const read = (name: string) => settingsOf(readFileSync(join(dir, 'default-p2', `${name}.log`), 'utf8'));
    for (const name of ['steady-hardlimit', 'sawtooth-hardlimit']) {
      const meta = JSON.parse(readFileSync(join(dir, 'default-p2', `${name}.json`), 'utf8')) as { env: { GOMEMLIMIT: string } };
      const set = Number(/^(\d+)MiB$/.exec(meta.env.GOMEMLIMIT)![1]) * MiB;
      const s = read(name);
      expect([name, s.gogc]).toEqual([name, 100]);
      expect(Math.abs(s.memLimitBytes! / set - 1), `${name}: ${s.memLimitBytes! / MiB} MiB read, ${set / MiB} set`).toBeLessThan(0.12);
    }
    for (const [name, gogc] of [['steady-base', 100], ['steady-gogc50', 50], ['steady-gogc200', 200], ['sawtooth-base', 100], ['sawtooth-gogc50', 50], ['sawtooth-gogc200', 200]] as const) {
      expect([name, read(name)]).toMatchObject([name, { gogc, memLimitBytes: null, source: 'inferred' }]);
    }
  });
});
