// A cycle that starts exactly at its goal. gctrace prints "38->39->5 MB, 38 MB goal": the heap at the
// trigger equals the goal (in whole MiB). A replay at the recorded settings adds the recorded steps up
// in floating point, so its heap at that trigger can come out 1e-8 bytes past the goal; the runtime
// paces a mark that starts past its goal to 1.1 × the goal (mgcpacer.go revise), a step, and the
// replay took that step: it allocated 15 MB in that mark instead of 1 and left the recording (29
// recorded cycles replayed as 22, peak +30 %). This log is a GOGC=off GOMEMLIMIT=66MiB run of
// tests/go/gcload-shapes' sawtooth (Go 1.26, GOMAXPROCS 2) on which that happened.
import { expect, test } from 'vitest';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { buildGcModel, gcWhatIf } from '../../src-main/analysis/gc/gc-analysis';
import { markAllocation } from '../../src-main/analysis/gc/mark-phase';

const LOG = `
  gc 1 @0.030s 18%: 0.086+16+0.008 ms clock, 0.17+17/0.40/0+0.017 ms cpu, 54->61->23 MB, 55 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 2 @0.056s 22%: 0.14+22+0.060 ms clock, 0.28+15/2.5/0+0.12 ms cpu, 39->60->40 MB, 55 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 3 @0.082s 27%: 0.15+18+0.045 ms clock, 0.31+16/3.2/0+0.090 ms cpu, 43->57->38 MB, 52 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 4 @0.106s 32%: 0.037+13+0.066 ms clock, 0.075+19/1.5/0+0.13 ms cpu, 44->48->33 MB, 44 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 5 @0.123s 34%: 0.12+16+0.056 ms clock, 0.24+20/0.24/0+0.11 ms cpu, 36->45->38 MB, 41 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 6 @0.142s 35%: 0.11+4.2+0.004 ms clock, 0.23+6.7/0.12/0+0.009 ms cpu, 38->39->5 MB, 38 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 7 @0.155s 31%: 0.034+16+0.035 ms clock, 0.068+0.64/3.0/0+0.070 ms cpu, 35->61->30 MB, 54 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 8 @0.181s 30%: 0.026+18+0.063 ms clock, 0.053+6.6/5.6/0+0.12 ms cpu, 48->70->34 MB, 45 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 9 @0.203s 32%: 0.11+8.2+0.006 ms clock, 0.23+12/2.3/0+0.013 ms cpu, 36->37->20 MB, 34 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 10 @0.215s 35%: 0.17+56+0.067 ms clock, 0.34+27/31/0+0.13 ms cpu, 20->70->66 MB, 45 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 11 @0.275s 37%: 0.095+16+0.004 ms clock, 0.19+18/3.6/0+0.008 ms cpu, 66->73->35 MB, 66 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 12 @0.295s 38%: 0.10+8.6+0.004 ms clock, 0.21+14/0.068/0+0.009 ms cpu, 35->37->18 MB, 35 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 13 @0.307s 39%: 0.022+9.9+0.005 ms clock, 0.045+15/0.61/0+0.011 ms cpu, 18->20->18 MB, 18 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 14 @0.319s 42%: 0.16+25+0.055 ms clock, 0.32+25/20/0+0.11 ms cpu, 18->24->22 MB, 24 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 15 @0.351s 42%: 0.18+4.0+0.005 ms clock, 0.36+2.4/1.3/0+0.010 ms cpu, 34->38->7 MB, 43 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 16 @0.372s 39%: 0.11+13+0.054 ms clock, 0.22+2.3/5.8/0+0.10 ms cpu, 41->50->16 MB, 56 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 17 @0.395s 38%: 0.081+23+0.005 ms clock, 0.16+10/6.5/0+0.010 ms cpu, 44->61->32 MB, 53 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 18 @0.424s 39%: 0.034+8.1+0.005 ms clock, 0.068+15/0.059/0+0.011 ms cpu, 39->39->21 MB, 35 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 19 @0.438s 39%: 0.58+15+0.032 ms clock, 1.1+14/3.2/0+0.064 ms cpu, 28->42->35 MB, 43 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 20 @0.458s 40%: 0.029+17+0.033 ms clock, 0.058+17/4.8/0+0.067 ms cpu, 41->52->37 MB, 55 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 21 @0.480s 40%: 0.14+15+0.030 ms clock, 0.28+17/3.6/0+0.061 ms cpu, 46->55->38 MB, 55 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 22 @0.502s 40%: 0.039+3.8+0.004 ms clock, 0.079+4.9/0.72/0+0.008 ms cpu, 47->48->5 MB, 49 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 23 @0.517s 39%: 0.038+9.4+0.077 ms clock, 0.076+3.9/4.0/0+0.15 ms cpu, 41->50->16 MB, 56 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 24 @0.539s 38%: 0.15+18+0.005 ms clock, 0.30+9.7/4.9/0+0.011 ms cpu, 44->61->31 MB, 53 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 25 @0.561s 39%: 0.026+7.3+0.007 ms clock, 0.053+13/1.4/0+0.014 ms cpu, 38->38->20 MB, 34 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 26 @0.574s 39%: 0.036+22+0.055 ms clock, 0.072+14/10/0+0.11 ms cpu, 28->47->39 MB, 50 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 27 @0.602s 39%: 0.12+17+0.064 ms clock, 0.25+17/1.8/0+0.12 ms cpu, 48->60->38 MB, 54 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 28 @0.624s 39%: 0.032+7.4+0.004 ms clock, 0.065+14/0.059/0+0.009 ms cpu, 43->43->16 MB, 39 MB goal, 0 MB stacks, 4 MB globals, 2 P
  gc 29 @0.638s 39%: 0.036+16+0.060 ms clock, 0.072+10/3.8/0+0.12 ms cpu, 29->46->34 MB, 48 MB goal, 0 MB stacks, 4 MB globals, 2 P
`;
const LIMIT = 66 * 2 ** 20;

test('a replay at the recorded settings reproduces a recording with a cycle that starts at its goal', () => {
  const model = buildGcModel(parseGctrace(LOG), { recorded: { gogc: -1, memLimitBytes: LIMIT } });
  const w = gcWhatIf(model, { gogc: -1, memLimitBytes: LIMIT });
  expect(w.basis.selfReplay).toBe(true);
  expect(w.predicted.gcCount).toBe(29);
  expect(w.predicted.peakHeapBytes / model.recorded.peakHeapBytes).toBeCloseTo(1, 9);
  expect(Math.abs(w.predicted.gcCpuFraction - model.recorded.gcCpuFractionFromCycles)).toBeLessThan(1e-9);
});

test('a heap at its goal up to rounding is paced as at the goal, one clearly past it to 1.1 × the goal', () => {
  const base = { goal: 40 * 2 ** 20, hardGoal: 44 * 2 ** 20, work: 8 * 2 ** 20, expected: 8 * 2 ** 20, worstAt: () => 8 * 2 ** 20, natural: 4, minRunway: 65536, sharpness: 2 };
  const at = markAllocation({ ...base, heapStart: base.goal });
  expect(markAllocation({ ...base, heapStart: base.goal + 1.5e-8 })).toBe(at);
  expect(markAllocation({ ...base, heapStart: base.goal + 2 ** 20 })).toBeGreaterThan(10 * at);
});

// The same log read without its settings. A GOGC=off run's goals rise far above GOGC=100's after a cycle that marks
// little (5 MiB marked, a 54 MiB goal: the limit's); gpw read it as GOGC=100 with a 65.98 MiB limit and counted those
// goals as GOGC goals × 3.9. Under a limit every goal is at most GOGC's, so goals on both sides of one GOGC's mean a
// limit and a GOGC above them all: off.
test('read without its settings: GOGC=off and a limit within 2 MiB of the real one', () => {
  const model = buildGcModel(parseGctrace(LOG));
  expect(model.recordedSettings.gogc).toBe(-1);
  expect(Math.abs(model.recordedSettings.memLimitBytes! - LIMIT)).toBeLessThan(2 * 2 ** 20);
});

// Read as GOGC=100 (as before), a user who typed the limit the page showed (66 MiB, 20 KB more) left the recording,
// and a replayed GOGC goal passed the limit's (the runtime takes the lower of the two): that replay peaked at 157 MiB
// (recorded: 73) in 18 cycles (29).
test('a replay 20 KB off the limit of a recording read as GOGC=100: a GOGC goal does not pass the limit\'s', () => {
  const model = buildGcModel(parseGctrace(LOG), { recorded: { gogc: 100, memLimitBytes: LIMIT - 20000 } });
  const w = gcWhatIf(model, { gogc: 100, memLimitBytes: LIMIT });
  expect(w.basis.selfReplay).toBe(false);
  expect(w.predicted.peakHeapBytes / model.recorded.peakHeapBytes).toBeLessThan(1.3);
  expect(w.predicted.gcCount / model.recorded.gcCount).toBeGreaterThan(0.75);
});
