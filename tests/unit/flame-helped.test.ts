// A flame trie made by one thread with another joining whenever it is free
// (flame-partition.ts partitionStacksHelped; the app's first flame graph: workers/app-helper.ts, the
// helper makes it and hands the worker shares once the worker offers): the same graphs as the
// trie made alone, whether a share is made by the other thread or taken back, and a chip's trie
// narrowed from it (its stop cursors) the same as one made afresh. Then on a real helper thread,
// with this thread as the worker that takes shares, and the helper's side of a share (helpOf).
import { readFileSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { FlameStructure } from '../../src-main/analysis/flame-graph';
import { keptStacks, narrowStacks, PartitionInTwo, partitionShare, partitionStacksHelped, stackColumns, type PartitionHelp, type PartitionShare, type PartitionedShare, type PartitionedStacks } from '../../src-main/analysis/flame-partition';
import { narrowView, viewProfile } from '../../src-main/analysis/profile-view';
import { AppHelper, helpFlags, helpOf, offerHelp, SHARE_BEGUN, SHARE_GIVEN, SHARE_MADE } from '../../src-main/workers/app-helper';
import type { Profile } from '../../src-main/model/profile';
import { repoPath } from '../helpers/paths';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { expectSameGraph } from '../helpers/flame';

let profile: Profile;
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(120_000)), { sharedStacks: true });
}, 240_000);

/** Another thread played here: wanted at the polls `wants` picks; share i made (a structured clone, as a message carries it) unless `takenBack(i)`. */
function playedHelp(wants: (poll: number) => boolean, takenBack: (i: number) => boolean): PartitionHelp & { given: PartitionShare[] } {
  let poll = 0;
  const given: PartitionShare[] = [];
  return {
    given,
    wanted: () => wants(poll++),
    give: (share) => given.push(share),
    collect: () => given.map((share, i) => (takenBack(i) ? null : partitionShare(structuredClone(share)))),
  };
}

function expectSameGraphs(made: PartitionedStacks, inverted: boolean, minShare: number, what: string): void {
  const helped = new FlameStructure(profile, inverted, minShare, made);
  const alone = new FlameStructure(profile, inverted, minShare);
  for (let t = 0; t < profile.sampleTypes.length; t++) expectSameGraph(helped.graph(t), alone.graph(t), `${what} type ${t}`);
}

describe('a flame trie with another thread’s help', () => {
  it.each([false, true])('inverted=%s: the same graphs with shares made there, taken back, or none', (inverted) => {
    const frames = buildFrameTable(profile, { showAddresses: true });
    const cases: [string, (poll: number) => boolean, (i: number) => boolean][] = [
      ['every share made there', (poll) => poll % 4 === 1, () => false],
      ['the second taken back', (poll) => poll % 4 === 1, (i) => i === 1],
      ['wanted at once, all taken back', () => true, () => true],
      ['never wanted', () => false, () => false],
    ];
    for (const [what, wants, takenBack] of cases) {
      const help = playedHelp(wants, takenBack);
      const made = partitionStacksHelped(stackColumns(profile), frames, inverted, 1e-4, help);
      if (what !== 'never wanted') expect(help.given.length, what).toBeGreaterThanOrEqual(2);
      // Each share is a run of segments: about a third of the samples left at the time, never over half.
      for (const share of help.given) {
        expect(share.sample.length, what).toBeGreaterThan(0);
        expect(share.sample.length, what).toBeLessThanOrEqual(profile.sampleCount / 2);
      }
      expectSameGraphs(made, inverted, 1e-4, what);
    }
  });

  it('a chip’s trie narrowed from a helped trie (its stop cursors) is a fresh one’s', () => {
    const plain = viewProfile({ sources: [profile] });
    const frames = buildFrameTable(plain.profile, { showAddresses: true });
    const help = playedHelp((poll) => poll % 3 === 1, (i) => i === 2);
    const parent = new FlameStructure(plain.profile, false, 1e-3, partitionStacksHelped(stackColumns(plain.profile), frames, false, 1e-3, help));
    expect(help.given.length).toBeGreaterThanOrEqual(2);
    for (const filters of [{ focus: 'step3_2' }, { ignore: 'step3_1' }]) {
      const { view, kept } = narrowView(plain, filters);
      const up = parent.narrowable({ sampleCount: kept.length }, parent.frameTable, false, kept);
      expect(up).not.toBeNull();
      const fromParent = new FlameStructure(view.profile, false, 1e-3, narrowStacks(up!, keptStacks(stackColumns(plain.profile), kept), parent.frameTable, false, kept, 1e-3));
      const fresh = new FlameStructure(view.profile, false, 1e-3);
      for (let t = 0; t < 4; t++) expectSameGraph(fromParent.graph(t), fresh.graph(t), `${JSON.stringify(filters)} type ${t}`);
    }
  });

  it('on the helper thread, with this thread taking shares whenever it is free', async () => {
    const helper = new AppHelper(new URL(`file://${repoPath('out/main/profile-worker.js')}`));
    const frames = buildFrameTable(profile, { showAddresses: true });
    const help = helpFlags();
    let shares = 0;
    helper.shareMade = () => {
      shares++;
      offerHelp(help);
    };
    try {
      // Free from the start: the helper hands over its first share after the root's split.
      offerHelp(help);
      const made = await helper.trie({ stacks: stackColumns(profile), frames, inverted: false, minShare: 1e-4, help });
      expect(shares).toBeGreaterThanOrEqual(1);
      expectSameGraphs(made.value, false, 1e-4, 'helped by this thread');
      // Without an offer, the helper makes it alone.
      const alone = await helper.trie({ stacks: stackColumns(profile), frames, inverted: true, minShare: 1e-4, help: helpFlags() });
      expectSameGraphs(alone.value, true, 1e-4, 'alone');
    } finally {
      await helper.close();
    }
  }, 120_000);

  it('the helper’s side of a share: taken back before the worker begins it, read once made, and a begun one not made in time fails the trie', () => {
    const frames = buildFrameTable(profile, { showAddresses: true });
    const { share } = new PartitionInTwo(profile, frames, false, 1e-4);
    expect(share).not.toBeNull();
    // The worker's side played here (`worker`: what it does with the offer); the offers arrive on the other end of the helper's port.
    type Offer = { share: PartitionShare; reply: MessagePort; state: Int32Array };
    const collected = (worker: (offer: Offer) => void): ReturnType<PartitionHelp['collect']> => {
      const { port1, port2 } = new MessageChannel();
      try {
        const flags = helpFlags();
        offerHelp(flags);
        const help = helpOf(port1, flags, 200);
        expect(help.wanted()).toBe(true);
        help.give(share!);
        expect(help.wanted()).toBe(false);
        worker(receiveMessageOnPort(port2)!.message as Offer);
        return help.collect();
      } finally {
        port1.close();
        port2.close();
      }
    };
    // Not begun: taken back (null: partitioned by the helper).
    expect(collected(() => {})).toEqual([null]);
    let done: PartitionedShare | null = null;
    const [answer] = collected((offer) => {
      expect(Atomics.compareExchange(offer.state, 0, SHARE_GIVEN, SHARE_BEGUN)).toBe(SHARE_GIVEN);
      done = partitionShare(offer.share);
      offer.reply.postMessage({ done });
      Atomics.store(offer.state, 0, SHARE_MADE);
    });
    expect(answer).not.toBeNull();
    expect(answer!.size).toBe((done as PartitionedShare | null)?.size);
    // Begun and never made: the worker may still be writing the partition's columns, so the trie is not made of them.
    expect(() => collected((offer) => Atomics.compareExchange(offer.state, 0, SHARE_GIVEN, SHARE_BEGUN))).toThrow(/did not come within 0.2 s/);
  });
});
