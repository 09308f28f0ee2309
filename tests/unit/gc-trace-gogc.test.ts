// The GOGC of an execution trace, which carries no stacks or globals. Its goals are M + (M + roots) ×
// GOGC/100: read alone, without the roots, they give a GOGC too high by the roots' share of the
// marked heap (a steady program's trace at GOGC 100 with 4 MiB of globals over a 28 MiB heap reads
// 115). Where the marked heap varies, the slope of the goals tells GOGC apart from the roots
// (from-trace.ts gogcFromGoals); where it hardly does (a trace taken in the middle of a steady run),
// the goals read alone are the most GOGC can be, and the roundest value a little under it is taken
// and labelled as such (recorded.ts gogcUnderRootless, source 'rootless'). On the test corpus's
// traced baselines (tests/go/gcload-shapes, GOGC=100, Go 1.26, 2 Ps).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { buildGcModel, gcWhatIf, SETTINGS_SOURCE } from '../../src-main/analysis/gc/gc-analysis';
import { gogcUnderRootless, inferGogc } from '../../src-main/analysis/gc/recorded';
import type { GcLog } from '../../src-main/formats/gctrace/gctrace-types';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';

let dir = '';
const traceLog = (shape: string): GcLog => gcLogFromTrace(parseGoTrace(readFileSync(join(dir, 'default-p2', `${shape}-base-traced.trace`))));

beforeAll(async () => {
  dir = (await ensureCorpus('test')).dir;
}, 600_000);

describe('GOGC from a trace', () => {
  test('whole traces: the slope of the goals, GOGC=100 read back, and a replay at it is the recording', () => {
    for (const shape of ['steady', 'sawtooth']) {
      const model = buildGcModel(traceLog(shape));
      expect([shape, model.recordedSettings.gogc, model.recordedSettings.source]).toEqual([shape, 100, 'inferred']);
      const w = gcWhatIf(model, { gogc: 100 });
      expect(w.basis.selfReplay).toBe(true);
      expect(w.predicted.gcCount).toBe(w.recorded.gcCount);
    }
  });

  test('the middle of a steady run: the goals alone read high; GOGC=100 is taken, and said to be read without the roots', () => {
    const whole = traceLog('steady');
    // The cycles after the program built its live heap (the marked heap within a few per cent from there on).
    const middle: GcLog = { ...whole, cycles: whole.cycles.slice(4, -1).map((c, i) => ({ ...c, n: i + 1 })) };
    expect(inferGogc(middle.cycles)).toBeGreaterThan(105);
    const model = buildGcModel(middle);
    expect(model.recordedSettings).toMatchObject({ gogc: 100, source: 'rootless' });
    expect(SETTINGS_SOURCE[model.recordedSettings.source]).toMatch(/without their stacks and globals/);
    // Its roots read back from the goals at GOGC 100: the program's 4 MiB of globals and its stacks.
    const roots = model.baseline.globals;
    expect(roots).toBeGreaterThan(3.5 * 2 ** 20);
    expect(roots).toBeLessThan(6 * 2 ** 20);
  });

  test('the roundest value from what the goals read alone down to roots of 30 % of the heap', () => {
    expect([115, 120, 128, 57, 230, 104, 35].map(gogcUnderRootless)).toEqual([100, 100, 100, 50, 200, 100, 30]);
  });
});
