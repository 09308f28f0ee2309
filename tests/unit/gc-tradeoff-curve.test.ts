// The GOGC trade-off curve where one recorded cycle misreads the program: a replayed mark near it must
// not take that reading as the program's allocation rate (baseline.ts consMarkTrack).
import { describe, expect, test } from 'vitest';
import { consMarkTrack, fitBaseline } from '../../src-main/analysis/gc/baseline';
import { buildGcModel, gcTradeoff } from '../../src-main/analysis/gc/gc-analysis';
import { simulate } from '../../src-main/analysis/gc/simulate';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';

const MiB = 2 ** 20;

// A recording of the validation corpus (tests/go/gcload, shape "leak", GOMAXPROCS 2, Go 1.26, GOGC=100
// GOMEMLIMIT=82MiB). gc 6 was stopped by the OS (sweep termination 4.7 ms against about 0.1): its
// assists' wall time reads as a mark utilisation of 0.88, and its cons/mark as 3.3 where the cycles
// either side read 0.43–0.83.
const LOG = [
  'gc 1 @0.002s 14%: 0.15+9.0+0.075 ms clock, 0.30+2.3/0.72/0+0.15 ms cpu, 3->15->14 MB, 4 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 2 @0.018s 14%: 0.086+12+0.059 ms clock, 0.17+4.6/0.74/0+0.11 ms cpu, 27->45->26 MB, 32 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 3 @0.039s 17%: 0.10+8.8+0.007 ms clock, 0.21+7.2/0.066/0+0.014 ms cpu, 48->58->19 MB, 58 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 4 @0.055s 19%: 0.12+5.9+0.005 ms clock, 0.24+6.9/0.077/0+0.011 ms cpu, 36->44->18 MB, 44 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 5 @0.067s 20%: 0.016+6.4+0.004 ms clock, 0.032+5.5/1.4/0+0.008 ms cpu, 34->41->18 MB, 41 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 6 @0.080s 22%: 4.7+4.7+0.004 ms clock, 9.5+6.2/2.1/0+0.008 ms cpu, 35->42->19 MB, 41 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 7 @0.095s 23%: 0.018+6.9+0.004 ms clock, 0.036+6.6/1.1/0+0.009 ms cpu, 36->43->20 MB, 43 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 8 @0.108s 25%: 0.13+8.8+0.004 ms clock, 0.27+6.4/4.6/0+0.009 ms cpu, 37->45->21 MB, 45 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 9 @0.122s 25%: 0.10+7.4+0.004 ms clock, 0.21+7.5/0.91/0+0.008 ms cpu, 39->47->22 MB, 47 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 10 @0.137s 26%: 0.18+7.9+0.004 ms clock, 0.36+8.0/0.91/0+0.009 ms cpu, 41->49->23 MB, 49 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 11 @0.151s 26%: 0.11+8.1+0.004 ms clock, 0.22+7.7/1.7/0+0.008 ms cpu, 43->51->24 MB, 51 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 12 @0.166s 27%: 0.11+7.7+0.006 ms clock, 0.23+8.8/0.62/0+0.012 ms cpu, 45->54->26 MB, 53 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 13 @0.179s 28%: 0.019+7.9+0.004 ms clock, 0.038+9.3/0.52/0+0.008 ms cpu, 47->56->27 MB, 56 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 14 @0.194s 28%: 0.052+8.3+0.004 ms clock, 0.10+9.9/0.049/0+0.009 ms cpu, 49->59->28 MB, 58 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 15 @0.210s 28%: 0.016+9.2+0.004 ms clock, 0.033+9.4/1.5/0+0.008 ms cpu, 52->62->30 MB, 61 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 16 @0.227s 29%: 0.14+9.9+0.004 ms clock, 0.28+8.8/2.9/0+0.008 ms cpu, 54->65->31 MB, 64 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 17 @0.245s 29%: 0.016+11+0.005 ms clock, 0.032+11/0.016/0+0.010 ms cpu, 52->68->37 MB, 67 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 18 @0.263s 29%: 0.056+11+0.064 ms clock, 0.11+10/1.2/0+0.12 ms cpu, 53->70->39 MB, 71 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 19 @0.279s 29%: 0.13+14+0.070 ms clock, 0.27+12/0.17/0+0.14 ms cpu, 49->73->47 MB, 70 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 20 @0.297s 31%: 0.063+8.6+0.077 ms clock, 0.12+13/0.84/0+0.15 ms cpu, 50->54->28 MB, 54 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 21 @0.312s 31%: 0.13+13+0.071 ms clock, 0.27+13/2.4/0+0.14 ms cpu, 39->52->37 MB, 54 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 22 @0.329s 32%: 0.10+14+0.077 ms clock, 0.20+15/0.91/0+0.15 ms cpu, 44->62->43 MB, 64 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 23 @0.347s 33%: 0.019+11+0.066 ms clock, 0.038+10/3.1/0+0.13 ms cpu, 49->60->36 MB, 62 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 24 @0.364s 33%: 0.016+12+0.066 ms clock, 0.033+13/1.2/0+0.13 ms cpu, 47->60->39 MB, 62 MB goal, 0 MB stacks, 4 MB globals, 2 P',
  'gc 25 @0.382s 33%: 0.10+12+0.060 ms clock, 0.21+13/1.2/0+0.12 ms cpu, 48->61->41 MB, 63 MB goal, 0 MB stacks, 4 MB globals, 2 P',
].join('\n');

describe('cons/mark the replay reads per recorded cycle', () => {
  test('the median of the cycle and its neighbours: a lone reading goes, a change that lasts two cycles stays', () => {
    expect(consMarkTrack([0.5, 0.6, 3.3, 0.55, 0.6])).toEqual([0.55, 0.6, 0.6, 0.6, 0.575]);
    expect(consMarkTrack([0.5, 0.5, 1.5, 1.5, 1.5])).toEqual([0.5, 0.5, 1.5, 1.5, 1.5]);
    // A forced cycle (NaN) measures nothing: its neighbours' median stands in; an all-NaN track reads 0.
    expect(consMarkTrack([0.4, NaN, 0.8])).toEqual([0.4, 0.6000000000000001, 0.8]);
    expect(consMarkTrack([NaN, NaN])).toEqual([0, 0]);
  });

  test('the disturbed cycle of the recording reads as its neighbours do', () => {
    const log = parseGctrace(LOG);
    const b = fitBaseline(log.cycles, { gogc: 100, goMinor: 26 });
    const cm = b.track.consMark;
    expect(cm[5]).toBeLessThan(1);
    expect(Math.max(...cm.slice(1))).toBeLessThan(1);
  });
});

describe('trade-off curve', () => {
  test('the sweep of a recording with a disturbed cycle: peak heap never falls and GC CPU never rises as GOGC rises', () => {
    const model = buildGcModel(parseGctrace(LOG), { recorded: { gogc: 100, memLimitBytes: 82 * MiB } });
    const sweep = gcTradeoff(model, {}).sweep;
    // (Before, a replayed mark at GOGC 400 read the disturbed cycle's 3.3 as the program's rate, allocated
    // 81 MiB marked black, and the sweep's peak went 208 → 398 → 305 MiB at GOGC 280, 400, 560.)
    for (let i = 1; i < sweep.length; i++) {
      const [a, b] = [sweep[i - 1], sweep[i]];
      expect(b.peakHeapBytes, `peak heap at GOGC ${a.gogc} → ${b.gogc}`).toBeGreaterThanOrEqual(a.peakHeapBytes * 0.98);
      expect(b.gcCpuFraction, `GC CPU at GOGC ${a.gogc} → ${b.gogc}`).toBeLessThanOrEqual(a.gcCpuFraction + 0.005);
    }
    const at = (g: number): number => sweep.find((p) => p.gogc === g)!.peakHeapBytes;
    expect(at(400)).toBeLessThan(1.5 * at(280));
  });
});

describe('peak heap', () => {
  test('a replay that left the recording counts the heap it ends with after its last cycle; one in step with it is the recording', () => {
    const model = buildGcModel(parseGctrace(LOG), { recorded: { gogc: 100, memLimitBytes: 82 * MiB } });
    const b = model.baseline;
    let counted = 0;
    for (const gogc of [200, 280, 400, 560, 800]) {
      const r = simulate(b, { gogc, memLimitBytes: Infinity, nonHeapBytes: model.defaultNonHeapBytes });
      // Allocation progress at the end of the last cycle: each cycle's growth from the heap the one before marked, and its mark.
      let a = 0;
      let marked = 0;
      for (const c of r.cycles) {
        a += c.heapEndBytes - marked;
        marked = c.heapLiveBytes;
      }
      const endHeap = marked + (b.endA - a);
      const cyclesPeak = Math.max(...r.cycles.map((c) => c.heapEndBytes));
      // No cycle starts before the end, so the end heap stays below the next trigger; it counts when it tops every cycle.
      expect(r.peakHeapBytes, `GOGC ${gogc}`).toBeCloseTo(Math.max(cyclesPeak, endHeap), -3);
      if (endHeap > cyclesPeak) counted++;
    }
    expect(counted).toBeGreaterThan(0);
    const self = simulate(b, { gogc: 100, memLimitBytes: 82 * MiB, nonHeapBytes: model.defaultNonHeapBytes });
    expect(self.peakHeapBytes).toBe(model.recorded.peakHeapBytes);
  });
});
