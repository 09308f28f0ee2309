// The sandwich view of a function: its flat and cum equal `go tool pprof -top`'s, its callers
// and callees trees hold exactly the stacks of `go tool pprof -traces` through the function,
// cut at its outermost frame.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { buildSandwich } from '../../src-main/analysis/sandwich';
import { goProfile } from '../helpers/paths';
import { expectTotalsAddUp } from '../helpers/flame';
import { graphStacks, pprofTraces, traceStacks } from '../helpers/pprof-traces';
import { pprofTop } from '../helpers/run';

describe.each([
  { kind: 'cpu', sampleType: 'cpu', unit: 'nanoseconds', fns: ['main.hashLoop', 'slices.pdqsortOrdered[go.shape.int]', 'main.mix', 'sort.Ints'] },
  { kind: 'heap', sampleType: 'alloc_space', unit: 'bytes', fns: ['main.heapWorkload', 'main.makeBuffers'] },
] as const)('sandwich views in the $kind profile', ({ kind, sampleType, unit, fns }) => {
  const file = goProfile(kind);
  const profile = decodePprof(readFileSync(file));
  const t = sampleTypeIndex(profile, sampleType);

  it.each(fns)('%s', async (fn) => {
    const [top, traces] = await Promise.all([pprofTop(file, sampleType, unit, 0, ['-nodefraction=0']), pprofTraces(file, sampleType, unit)]);
    const row = top.rows.find((r) => r.name === fn);
    expect(row, `${fn} in pprof -top`).toBeDefined();
    const s = buildSandwich(profile, t, fn);
    expect([s.flat, s.cum, s.totalValue]).toEqual([row!.flat, row!.cum, top.total]);
    expect(s.callers.totalValue).toBe(row!.cum);
    // Root first, from the outermost frame of fn: callees below, callers (leaf-first) above.
    const outermost = (frames: string[]): number => frames.indexOf(fn);
    const callees = traceStacks(traces, false, (f) => (outermost(f) < 0 ? null : f.slice(outermost(f))));
    const callers = traceStacks(traces, false, (f) => (outermost(f) < 0 ? null : f.slice(0, outermost(f) + 1).reverse()));
    expect(graphStacks(s.callees)).toEqual(callees);
    expect(graphStacks(s.callers)).toEqual(callers);
    expectTotalsAddUp(s.callers);
    expectTotalsAddUp(s.callees);
    // The function itself is the only child of each tree's root.
    for (const g of [s.callers, s.callees]) {
      const depth1 = Array.from(g.depth.keys()).filter((i) => g.depth[i] === 1);
      expect(depth1.map((i) => g.names[g.nameIndex[i]])).toEqual([fn]);
    }
  });

  it('is empty for a function the profile does not have', () => {
    const s = buildSandwich(profile, t, 'no.such.function');
    expect([s.flat, s.cum, s.callers.total.length, s.callees.total.length]).toEqual([0, 0, 1, 1]);
  });
});
