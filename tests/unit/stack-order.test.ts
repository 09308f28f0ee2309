// A big profile's stacks copied in the flame trie's order before it is partitioned
// (analysis/stack-order.ts), for profiles whose samples are not written grouped by stack: the
// copy holds every sample's stack and values, reads as grouped itself, and the trie made on it
// gives the same graphs as the trie built one stack at a time, and the same chip graphs when a
// chip's trie is narrowed from it (its per-sample nodes and stop cursors put back in the
// profile's numbering). The sizes from which a profile is copied are lowered here, so that the
// generated 20,000-sample profile (tests/go/bigprofile) and the same samples shuffled are copied.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlameGraph, FlameStructure } from '../../src-main/analysis/flame-graph';
import { keptStacks, narrowStacks, partitionStacksUnless, stackColumns } from '../../src-main/analysis/flame-partition';
import { keyOrder, plannedRecordKeys, recordKeys, stackOrder, stackOrderSizes, type StackOrder } from '../../src-main/analysis/stack-order';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { narrowView, viewProfile } from '../../src-main/analysis/profile-view';
import { blockCountsOf, countClaimedBlocks, decodeClaimedBlocks, decodePprof, profileOfBlocks, reorderedTable, sampleBlocksOfCounts, scanPprof } from '../../src-main/formats/pprof/decode-pprof';
import { encodePprof } from '../../src-main/formats/pprof/encode-pprof';
import type { Profile } from '../../src-main/model/profile';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { expectSameGraph, inOtherOrder } from '../helpers/flame';

let profile: Profile;
let shuffled: Profile;
const sizes = { ...stackOrderSizes };
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(20_000)));
  shuffled = inOtherOrder(profile);
  Object.assign(stackOrderSizes, { minSamples: 1000, minLocations: 10_000 });
}, 240_000);
afterAll(() => {
  Object.assign(stackOrderSizes, sizes);
});

function copied(p: Profile, inverted: boolean): StackOrder {
  const order = stackOrder(p, inverted);
  expect(order).not.toBeNull();
  expect(order).not.toBe('stopped');
  return order as StackOrder;
}

describe('stacks copied in the trie’s order', () => {
  it('copies shuffled samples (and any, inverted), keeps grouped ones, each sample’s stack and values whole', () => {
    // The generator writes samples grouped by stack from the root: kept as they are forward.
    expect(stackOrder(profile, false)).toBeNull();
    for (const [p, inverted] of [
      [shuffled, false],
      [shuffled, true],
      [profile, true],
    ] as const) {
      const { stacks, oldId } = copied(p, inverted);
      const n = p.sampleCount;
      const nTypes = p.sampleTypes.length;
      expect(stacks.sampleCount).toBe(n);
      expect(new Set(oldId).size).toBe(n);
      let wrong = 0;
      for (let k = 0; k < n; k++) {
        const s = oldId[k];
        const a = stacks.sampleLocStart[k];
        const len = stacks.sampleLocStart[k + 1] - a;
        if (len !== p.sampleLocStart[s + 1] - p.sampleLocStart[s]) wrong++;
        for (let j = 0; j < len; j++) if (stacks.sampleLocs[a + j] !== p.sampleLocs[p.sampleLocStart[s] + j]) wrong++;
        for (let t = 0; t < nTypes; t++) if (stacks.values[k * nTypes + t] !== p.values[s * nTypes + t]) wrong++;
      }
      expect(wrong, `inverted=${inverted}`).toBe(0);
      // Forward, the copy reads as grouped: copied again, it would be kept. (Inverted, this
      // profile's keys are all but unique, and at its size a region is 32 samples: one pair of
      // neighbours in 32 straddles two regions, too many to tell the copy from a profile to copy.)
      if (!inverted) expect(stackOrder(stacks, inverted)).toBeNull();
    }
    // A chip's columns (some samples' stacks in the profile's own sampleLocs) are copied too.
    const kept = Int32Array.from({ length: Math.floor(shuffled.sampleCount / 2) }, (_, i) => 2 * i);
    const chip = copied(keptStacks(stackColumns(shuffled), kept) as Profile, false);
    for (let k = 0; k < chip.oldId.length; k += 97) {
      const s = kept[chip.oldId[k]];
      expect(Array.from(chip.stacks.sampleLocs.subarray(chip.stacks.sampleLocStart[k], chip.stacks.sampleLocStart[k + 1]))).toEqual(Array.from(shuffled.sampleLocs.subarray(shuffled.sampleLocStart[s], shuffled.sampleLocStart[s + 1])));
    }
    // At the app's sizes, this profile is read in its own order.
    Object.assign(stackOrderSizes, sizes);
    try {
      expect(stackOrder(shuffled, false)).toBeNull();
    } finally {
      Object.assign(stackOrderSizes, { minSamples: 1000, minLocations: 10_000 });
    }
  });

  it.each([
    ['shuffled', false],
    ['shuffled', true],
    ['grouped', true],
  ])('%s, inverted=%s: every sample type’s graph made on the copy is the one-stack-at-a-time build’s', (which, inverted) => {
    const p = which === 'shuffled' ? shuffled : profile;
    const structure = new FlameStructure(p, inverted);
    for (let t = 0; t < p.sampleTypes.length; t++) {
      const what = `${which} ${p.sampleTypes[t].type} inverted=${inverted}`;
      const got = structure.graph(t);
      expectSameGraph(got, buildFlameGraph(p, t, { inverted }), what);
      expect(got.nameIndex.length, what).toBeGreaterThan(1000);
    }
  });

  it.each([false, true])('inverted=%s: a chip’s trie narrowed from a trie made on the copy (nodes and stops put back) is a fresh trie’s', (inverted) => {
    const plain = viewProfile({ sources: [shuffled] });
    const parent = new FlameStructure(plain.profile, inverted, 1e-3);
    expect(parent.graph(1).hidden?.subtrees).toBe(true);
    for (const filters of [{ focus: 'step3_2' }, { ignore: 'step3_1' }]) {
      const { view, kept } = narrowView(plain, filters);
      const up = parent.narrowable({ sampleCount: kept.length }, parent.frameTable, inverted, kept);
      expect(up).not.toBeNull();
      for (const share of [1e-3, 1e-4]) {
        const fromParent = new FlameStructure(view.profile, inverted, share, narrowStacks(up!, keptStacks(stackColumns(plain.profile), kept), parent.frameTable, inverted, kept, share));
        const fresh = new FlameStructure(view.profile, inverted, share);
        for (let t = 0; t < 4; t++) expectSameGraph(fromParent.graph(t), fresh.graph(t), `${JSON.stringify(filters)} type ${t} minShare ${share}`);
      }
    }
  });

  it('a trie made ahead is given up when it is told to stop before the copy', () => {
    const frames = buildFrameTable(shuffled, { showAddresses: true });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    stop[0] = 1;
    expect(partitionStacksUnless(shuffled, frames, false, 1e-4, stop)).toBeNull();
    stop[0] = 0;
    expect(partitionStacksUnless(shuffled, frames, false, 1e-4, stop)?.size).toBeGreaterThan(1);
  });
});

// The app's import of a big profile whose records are not grouped by stack decodes them in the
// forward trie's order instead (decode-pprof.ts RecordKeys, reorderedTable; profile-worker.ts
// decodeInTwo): each record keyed from its raw bytes as it is counted, the table of records put in
// the keys' order, and the blocks decoded from it. The trie then needs no copy.
describe('records decoded in the trie’s order', () => {
  it('keys records as they are counted and decodes them in the keys’ order: every sample whole (stack, values, labels), reading as grouped', () => {
    const withLabels = inOtherOrder(profile, true);
    expect(withLabels.labelKey.length).toBeGreaterThan(0);
    // The generator's own order serves: no keys.
    expect(plannedRecordKeys(scanPprof(encodePprof(profile)).table)).toBeNull();
    const bytes = encodePprof(withLabels);
    const plain = decodePprof(bytes);
    const { table, skeleton } = scanPprof(bytes);
    const shared = plannedRecordKeys(table);
    expect(shared).not.toBeNull();
    const keys = recordKeys(shared!);
    const counts = blockCountsOf(table);
    expect(countClaimedBlocks(table, counts, keys)).toBe(true);
    // Counted as the plain count counts.
    const plainCounts = blockCountsOf(table);
    countClaimedBlocks(table, plainCounts);
    expect(Array.from(counts)).toEqual(Array.from(plainCounts));
    const order = keyOrder(keys.key);
    const ordered = reorderedTable(table, order, keys);
    const blocks = sampleBlocksOfCounts(ordered.table, ordered.counts);
    expect(decodeClaimedBlocks(ordered.table, blocks, new Int32Array(new SharedArrayBuffer(4)))).toEqual({ decoded: blocks.locBase.length - 1 });
    const p = profileOfBlocks(skeleton, blocks);
    expect(p.sampleCount).toBe(plain.sampleCount);
    expect(new Set(order).size).toBe(plain.sampleCount);
    const nTypes = p.sampleTypes.length;
    const rows = (q: typeof p, s: number): string =>
      [q.sampleLocs.subarray(q.sampleLocStart[s], q.sampleLocStart[s + 1]), q.values.subarray(s * nTypes, (s + 1) * nTypes), q.labelKey.subarray(q.sampleLabelStart[s], q.sampleLabelStart[s + 1]), q.labelStr.subarray(q.sampleLabelStart[s], q.sampleLabelStart[s + 1]), q.labelNum.subarray(q.sampleLabelStart[s], q.sampleLabelStart[s + 1])]
        .map((a) => Array.from(a).join(','))
        .join('|');
    let wrong = 0;
    for (let k = 0; k < p.sampleCount; k++) if (rows(p, k) !== rows(plain, order[k])) wrong++;
    expect(wrong).toBe(0);
    // In the keys' order: the copy (the keys StackKeys makes of the decoded stacks) keeps it, where the plain decode is copied.
    expect(stackOrder(plain, false)).not.toBeNull();
    expect(stackOrder(p, false)).toBeNull();
    for (let t = 0; t < nTypes; t++) expectSameGraph(new FlameStructure(p, false).graph(t), buildFlameGraph(plain, t), `type ${t}`);
  });
});
