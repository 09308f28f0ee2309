// A top table's inline labels come from the call edges into its shown functions (pprof's graph:
// analysis/top.ts EdgeTable). An import's scan walks them on two threads, each over its own
// samples, and merges the two tables (EdgeTable.merge: weights added, an edge inlined only where
// both say so): the merged table is the one walk's, edge for edge, for any split of the samples.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { EdgeTable, EdgeWalk, edgesBetween } from '../../src-main/analysis/top';
import type { Profile } from '../../src-main/model/profile';
import { goProfile } from '../helpers/paths';

/** The edges of the samples `s` picks, walked as one thread walks its blocks. */
function edgesOf(profile: Profile, shown: Uint8Array, labelsOnly: boolean, pick: (s: number) => boolean): EdgeTable {
  const frames = buildFrameTable(profile, { showAddresses: false });
  const walk = new EdgeWalk(frames, shown, labelsOnly);
  const n = profile.sampleTypes.length;
  for (let s = 0; s < profile.sampleCount; s++) {
    if (pick(s)) walk.add(s, profile.sampleLocs, profile.sampleLocStart[s], profile.sampleLocStart[s + 1], profile.values[s * n]);
  }
  return walk.edges;
}

const sorted = (t: EdgeTable): string[] => [...t.each()].map((e) => `${e.parent}>${e.child} ${e.weight} ${e.inline}`).sort();

describe('EdgeTable.merge', () => {
  it('an edge inlined in one part and called in the other counts as called, its weights added', () => {
    // Edges 1→2 (inlined in sample 0, called in sample 1), 1→3 (inlined in both), 4→2 (called, only in the second part).
    const samples: [number, number, number, number, number][] = [[1, 2, 1, 5, 0], [1, 3, 1, 2, 0], [1, 2, 0, 3, 1], [1, 3, 1, 4, 1], [4, 2, 0, 1, 1]];
    const one = new EdgeTable(8);
    for (const e of samples) one.add(...e);
    for (const firstPart of [0, 1]) {
      const a = new EdgeTable(8);
      const b = new EdgeTable(8);
      for (const e of samples) (e[4] === firstPart ? a : b).add(...e);
      a.merge(b.columns());
      expect(sorted(a)).toEqual(sorted(one));
      expect(sorted(a)).toEqual(['1>2 8 false', '1>3 6 true', '4>2 1 false']);
      expect(a.labels(5, 0)).toEqual(['', '', '', 'inline', '']);
    }
  });

  for (const kind of ['cpu', 'heap'] as const) {
    it(`${kind}: two walks over a split of the samples, merged, are the one walk`, () => {
      const profile = decodePprof(readFileSync(goProfile(kind)));
      const frames = buildFrameTable(profile, { showAddresses: false });
      const every = new Uint8Array(frames.names.length).fill(1);
      const one = edgesBetween(profile, frames, 0, every, false);
      const all = [...one.each()];
      // The profile has both kinds of edges, and edges met in more than one sample.
      expect(all.some((e) => e.inline)).toBe(true);
      expect(all.some((e) => !e.inline)).toBe(true);
      const half = profile.sampleCount >> 1;
      const splits: ((s: number) => boolean)[] = [(s) => s < half, (s) => s % 2 === 0, (s) => s % 7 < 3, () => true];
      for (const labelsOnly of [false, true]) {
        const whole = labelsOnly ? edgesBetween(profile, frames, 0, every, true) : one;
        for (const inA of splits) {
          const merged = edgesOf(profile, every, labelsOnly, inA);
          merged.merge(edgesOf(profile, every, labelsOnly, (s) => !inA(s)).columns());
          expect(sorted(merged)).toEqual(sorted(whole));
          for (const cutoff of [0, 1, Math.max(...all.map((e) => Math.abs(e.weight))) / 4]) {
            expect(merged.labels(frames.names.length, cutoff)).toEqual(whole.labels(frames.names.length, cutoff));
          }
        }
      }
    });
  }
});
