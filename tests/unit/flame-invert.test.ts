// The inverted (bottom-up) flame graph against `go tool pprof -traces` and `-top` on Go-made
// profiles: every leaf-first stack with its value, the leaf functions' flat, and totals that add up.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { goProfile } from '../helpers/paths';
import { expectTotalsAddUp } from '../helpers/flame';
import { graphStacks, pprofTraces, traceStacks } from '../helpers/pprof-traces';
import { pprofTop } from '../helpers/run';

const CASES = [
  { kind: 'cpu', sampleType: 'cpu', unit: 'nanoseconds' },
  { kind: 'heap', sampleType: 'alloc_space', unit: 'bytes' },
  { kind: 'goroutine', sampleType: 'goroutine', unit: 'count' },
] as const;

describe.each(CASES)('inverted flame graph of the $kind profile', ({ kind, sampleType, unit }) => {
  const file = goProfile(kind);
  const profile = decodePprof(readFileSync(file));
  const t = sampleTypeIndex(profile, sampleType);

  it('holds the same stacks as pprof -traces, leaf first', async () => {
    const traces = await pprofTraces(file, sampleType, unit);
    const inverted = buildFlameGraph(profile, t, { inverted: true });
    expect(inverted.inverted).toBe(true);
    const expected = traceStacks(traces, true);
    expect(expected.size).toBeGreaterThan(3);
    expect(graphStacks(inverted)).toEqual(expected);
    // …and the normal graph holds them root first.
    expect(graphStacks(buildFlameGraph(profile, t))).toEqual(traceStacks(traces, false));
    expectTotalsAddUp(inverted);
  });

  it("has the leaf functions at depth 1 with pprof's flat as their value", async () => {
    const top = await pprofTop(file, sampleType, unit, 0, ['-nodefraction=0']);
    const inverted = buildFlameGraph(profile, t, { inverted: true });
    expect(inverted.totalValue).toBe(top.total);
    const atDepth1 = new Map<string, number>();
    for (let i = 0; i < inverted.total.length; i++) if (inverted.depth[i] === 1) atDepth1.set(inverted.names[inverted.nameIndex[i]], inverted.total[i]);
    const flat = new Map(top.rows.filter((r) => r.flat !== 0).map((r) => [r.name, r.flat]));
    expect(atDepth1).toEqual(flat);
  });
});
