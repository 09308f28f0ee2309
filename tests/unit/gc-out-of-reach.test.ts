// Settings the heap never comes near. A replay whose first cycle already falls past the recording's
// end (GOGC=off, with no limit or one far above the heap) holds everything the program allocates:
// its peak read 0 B, as if a replay with no cycle were the recording (simulate.ts endedInStep). And
// a memory limit the recording ran without that no replay comes near (10 GiB over a program of
// 54 MiB) leaves the expected ranges as GOGC alone gives them; one within reach widens them
// (error-bands.ts outOfReach). On the test corpus's steady baseline (tests/go/gcload-shapes,
// GOGC=100, 2 Ps, Go 1.26).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildGcModel, gcWhatIf, type GcModel } from '../../src-main/analysis/gc/gc-analysis';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
let model: GcModel;

beforeAll(async () => {
  const { dir } = await ensureCorpus('test');
  model = buildGcModel(parseGctrace(readFileSync(join(dir, 'default-p2', 'steady-base.log'))));
}, 600_000);

describe('settings out of the heap’s reach', () => {
  test('GOGC=off holds everything the program allocates: no cycle, a peak of its whole allocation', () => {
    // The recording's allocation: its last cycle's end heap plus what it allocated between its cycles (recorded progress).
    const allocated = model.baseline.endA;
    expect(allocated).toBeGreaterThan(200 * MiB);
    for (const memLimitBytes of [undefined, 10 * GiB]) {
      const w = gcWhatIf(model, { gogc: -1, memLimitBytes });
      expect(w.predicted.gcCount).toBe(0);
      expect(w.predicted.peakHeapBytes).toBeCloseTo(allocated, -3);
      expect(w.bands.peakHeapBytes.low).toBeGreaterThan(model.recorded.peakHeapBytes);
      expect(w.warnings.join('\n')).toMatch(memLimitBytes === undefined ? /only forced collections run/ : /never reaches the memory limit's goal/);
      // The chart's last point: that heap at the run's end.
      expect(w.seriesEnd?.heapBytes).toBe(w.predicted.peakHeapBytes);
      expect(w.seriesEnd?.atSec).toBeCloseTo(w.predicted.durationSec, 6);
    }
  });

  test('a limit no replay comes near gives the ranges of GOGC alone; one within reach widens them', () => {
    const plain = gcWhatIf(model, { gogc: 150 });
    const far = gcWhatIf(model, { gogc: 150, memLimitBytes: 10 * GiB });
    expect(far.predicted).toEqual(plain.predicted);
    expect(far.bands).toEqual(plain.bands);
    expect(far.bands.basis).not.toMatch(/memory limit/);
    // Within reach: the peak's range (its error and the recording's largest goal overrun) passes the limit's room.
    const near = gcWhatIf(model, { gogc: 150, memLimitBytes: 1.3 * plain.predicted.peakHeapBytes });
    expect(near.bands.basis).toMatch(/a memory limit set or changed/);
    expect(near.bands.gcCount.high - near.bands.gcCount.low).toBeGreaterThan(plain.bands.gcCount.high - plain.bands.gcCount.low);
  });
});
