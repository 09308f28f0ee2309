// A trie made ahead of any request on the app's helper thread (workers/app-helper.ts trieAhead,
// flame-partition.ts partitionStacksUnless): left alone it is partitionStacks's trie; the next job the
// helper is sent stops it (the helper counts as idle meanwhile) and is answered as usual.
import { LevelsInTwo, levelStacks } from '../../src-main/analysis/flame-levels';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { partitionStacks, partitionStacksUnless, stackColumns, type PartitionedStacks } from '../../src-main/analysis/flame-partition';
import { AppHelper } from '../../src-main/workers/app-helper';
import type { Profile } from '../../src-main/model/profile';
import { repoPath } from '../helpers/paths';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

let profile: Profile;
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(120_000)), { sharedStacks: true });
}, 240_000);

/** The trie's columns as plain arrays (a trie that came from another thread compares equal to one made here). */
function columns(t: PartitionedStacks): unknown {
  const { size, parent, name, calledIn, sampleNode, sampleEnds, leftOut, below } = t;
  return [size, parent, name, calledIn, sampleNode, sampleEnds, leftOut, below].map((c) => (typeof c === 'number' ? c : Array.from(c)));
}

describe('a trie made ahead', () => {
  it('is partitionStacks’s trie unless stopped, and nothing once stopped', () => {
    const frames = buildFrameTable(profile, { showAddresses: true });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    for (const inverted of [false, true]) {
      expect(columns(partitionStacksUnless(profile, frames, inverted, 1e-4, stop)!)).toEqual(columns(partitionStacks(profile, frames, inverted, 1e-4)));
    }
    Atomics.store(stop, 0, 1);
    expect(partitionStacksUnless(profile, frames, true, 1e-4, stop)).toBeNull();
  });

  it('on the helper thread: made when left alone; stopped by the next job, which is answered; the helper idle meanwhile', async () => {
    const helper = new AppHelper(new URL(`file://${repoPath('out/main/profile-worker.js')}`));
    const frames = buildFrameTable(profile, { showAddresses: true });
    const job = { stacks: stackColumns(profile), frames, inverted: true, minShare: 1e-4 };
    try {
      const alone = await helper.trieAhead(job);
      expect(columns(alone.value!)).toEqual(columns(partitionStacks(profile, frames, true, 1e-4)));
      const ahead = helper.trieAhead(job);
      expect(helper.aheadInHand).toBe(true);
      // A trie made ahead does not keep the helper from the next job: it is stopped before its first split.
      expect(helper.idle).toBe(true);
      const next = helper.trie({ ...job, inverted: false });
      expect((await ahead).value).toBeNull();
      expect(columns((await next).value)).toEqual(columns(partitionStacks(profile, frames, false, 1e-4)));
      expect(helper.aheadInHand).toBe(false);
      expect(helper.idle).toBe(true);
    } finally {
      await helper.close();
    }
  }, 120_000);
});

describe('an inverted trie made a level at a time by two threads (flame-levels.ts LevelsInTwo)', () => {
  it('is levelStacks’s trie, node for node and sample for sample, with the helper walking half of the samples', async () => {
    const helper = new AppHelper(new URL(`file://${repoPath('out/main/profile-worker.js')}`));
    const frames = buildFrameTable(profile, { showAddresses: true });
    try {
      for (const minShare of [1e-4, 1e-3]) {
        const two = new LevelsInTwo(profile, frames, minShare);
        const theirs = helper.levelShare(two.share);
        const made = two.own();
        expect((await theirs).value).toBeNull();
        const alone = levelStacks(profile, frames, minShare)!;
        expect(columns(made)).toEqual(columns(alone));
        for (const col of ['loc', 'frame', 'inline'] as const) expect(Array.from(made.stops![col])).toEqual(Array.from(alone.stops[col]));
        expect(two.share.to - two.share.from).toBeGreaterThan(profile.sampleCount / 3);
      }
      expect(helper.idle).toBe(true);
    } finally {
      await helper.close();
    }
  }, 120_000);

  it('throws (the caller makes the trie anew) when the other side failed, rather than waiting', () => {
    const two = new LevelsInTwo(profile, buildFrameTable(profile, { showAddresses: true }), 1e-4);
    Atomics.store(two.share.ctl, 4, 1);
    expect(() => two.own()).toThrow(/did not come/);
  });
});
