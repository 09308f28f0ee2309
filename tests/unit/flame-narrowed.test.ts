// A focus or ignore chip's flame graph trie made from the trie of the view without the chip
// (FlameStructure with a NarrowedFrom: the parent's nodes re-weighed by the kept samples, and only
// the kept samples the parent's partial trie left out partitioned further), checked against a
// trie built from the filtered profile as before (every column of every graph, the note of what
// was left out) and, where nothing is left out, against buildFlameGraph. On a real generated
// profile (tests/go/bigprofile: deep stacks, inlined helpers, four sample types) and a variant
// where the helpers are also called (a name both inlined and called: inline flags per sample).
// narrowView (the chip's view from the parent view: focus, ignore, tagfocus, tagignore) is checked against viewProfile.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { keptStacks, narrowStacks, PartitionInTwo, partitionShare, partitionStacks, stackColumns } from '../../src-main/analysis/flame-partition';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import type { Profile } from '../../src-main/model/profile';
import { narrowedFrom, narrowView, viewProfile, type ViewFilters } from '../../src-main/analysis/profile-view';
import { keepSamples, selectSamples } from '../../src-main/analysis/profile-rewrite';
import { focusedSamples, MIXED_MARK, samplesKeptByName } from '../../src-main/analysis/filters/name-filters';
import { addWalkFigures, walkAccumulator, walkBlock, walkClaimedBlocks } from '../../src-main/workers/app-helper';
import { accumulate, Accumulator, computeTop, TopFigures } from '../../src-main/analysis/top';
import { compileGoRegexp } from '../../src-main/analysis/filters/go-regexp';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { syntheticProfileBytes } from '../../src-main/workers/warm-up';
import { differing, expectSameGraph } from '../helpers/flame';

const SAMPLES = 20_000;
let profile: Profile;
let mixed: Profile;
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(SAMPLES)));
  mixed = withHelpersAlsoCalled(profile);
}, 240_000);

/** Every location of two lines (a helper inlined into its caller) also as two locations of one line each (the helper called), used by every third sample. */
function withHelpersAlsoCalled(p: Profile): Profile {
  const nLoc = p.locAddress.length;
  const split = new Int32Array(nLoc).fill(-1);
  const addr = Array.from(p.locAddress);
  const mapping = Array.from(p.locMapping);
  const start = Array.from(p.locLineStart);
  const fn = Array.from(p.lineFunction);
  const line = Array.from(p.lineNumber);
  for (let l = 0; l < nLoc; l++) {
    if (p.locLineStart[l + 1] - p.locLineStart[l] !== 2) continue;
    split[l] = addr.length;
    for (const li of [p.locLineStart[l], p.locLineStart[l] + 1]) {
      addr.push(p.locAddress[l]);
      mapping.push(p.locMapping[l]);
      fn.push(p.lineFunction[li]);
      line.push(p.lineNumber[li]);
      start.push(fn.length);
    }
  }
  const split2 = { ...p, locAddress: Float64Array.from(addr), locMapping: Int32Array.from(mapping), locLineStart: Uint32Array.from(start), lineFunction: Int32Array.from(fn), lineNumber: Float64Array.from(line) };
  return selectSamples(split2, (s, stack) => {
    for (let i = p.sampleLocStart[s]; i < p.sampleLocStart[s + 1]; i++) {
      const l = p.sampleLocs[i];
      if (s % 3 === 0 && split[l] >= 0) stack.push(split[l], split[l] + 1);
      else stack.push(l);
    }
    return true;
  });
}

/** expectSameGraph, and (unless told otherwise) a graph with more than its root. */
function expectSameGraphs(got: FlameGraph, want: FlameGraph, what: string, nonEmpty = true): void {
  expectSameGraph(got, want, what);
  if (nonEmpty) expect(got.nameIndex.length, what).toBeGreaterThan(1);
}

/** A focus keeping a few samples (as the bench's chip), a focus with an ignore, an ignore keeping most with a tag focus. */
const FILTERS: ViewFilters[] = [{ focus: 'step3_2' }, { focus: 'helper', ignore: 'step3_2' }, { ignore: 'step3_1', tagfocus: 'tenant=tenant-0' }];

describe('narrowed flame graph tries (a focus or ignore chip from the view without it)', () => {
  it('narrowView gives viewProfile’s view, and which samples it kept', () => {
    const plain = viewProfile({ sources: [profile] });
    const tagFilters: ViewFilters[] = [{ tagfocus: 'tenant=tenant-01' }, { ignore: 'helper', tagignore: 'bytes=1kb:' }, { tagfocus: 'tenant=nobody' }];
    for (const filters of [...FILTERS, ...tagFilters, { focus: 'no-such-function' }]) {
      expect(narrowedFrom(filters)).toEqual({});
      const want = viewProfile({ sources: [profile] }, filters);
      const { view, kept } = narrowView(plain, filters);
      expect(view.totals).toEqual(want.totals);
      expect(view.warnings).toEqual(want.warnings);
      expect(view.profile.sampleCount).toBe(want.profile.sampleCount);
      expect(Array.from(view.profile.sampleLocs)).toEqual(Array.from(want.profile.sampleLocs));
      expect(Array.from(view.profile.sampleLocStart)).toEqual(Array.from(want.profile.sampleLocStart));
      expect(Array.from(view.profile.values)).toEqual(Array.from(want.profile.values));
      expect(Array.from(view.profile.labelStr)).toEqual(Array.from(want.profile.labelStr));
      expect(buildFrameTable(view.profile, { showAddresses: true }).names).toEqual(buildFrameTable(want.profile, { showAddresses: true }).names);
      for (let k = 0; k < kept.length; k++) expect(profile.sampleLocStart[kept[k] + 1] - profile.sampleLocStart[kept[k]]).toBe(view.profile.sampleLocStart[k + 1] - view.profile.sampleLocStart[k]);
    }
    expect(narrowView(plain, { focus: 'no-such-function' }).view.warnings).toEqual(['Focus expression matched no samples']);
    expect(narrowView(plain, { tagfocus: 'tenant=nobody' }).view.warnings).toEqual(['TagFocus expression matched no samples']);
    expect(narrowView(plain, { tagfocus: 'tenant=tenant-01' }).view.profile.sampleCount).toBeGreaterThan(0);
    // Filters that change stacks, or a chip on a view that filters, are not narrowed.
    expect(narrowedFrom({ focus: 'a', hide: 'b' })).toBeNull();
    expect(narrowedFrom({ focus: 'a', granularity: 'lines' })).toBeNull();
    expect(narrowedFrom({ focus: 'a', tagfocus: 'tenant=x' })).toEqual({});
    expect(narrowedFrom({ tagignore: 'tenant=x', collapseRecursion: true })).toBeNull();
    expect(narrowedFrom({ hide: 'b' })).toBeNull();
    expect(narrowedFrom({ focus: 'a', granularity: 'functions' })).toEqual({ granularity: 'functions' });
  });

  it('keeps samples as selectSamples does, and by name as a walk of every line of every stack decides', () => {
    const n = profile.sampleCount;
    const patterns: [string, (s: number) => boolean][] = [
      ['none', () => false],
      ['all', () => true],
      ['first and last', (s) => s === 0 || s === n - 1],
      ['every third', (s) => s % 3 === 0],
      ['runs of 100', (s) => Math.floor(s / 100) % 2 === 1],
    ];
    for (const [label, pick] of patterns) {
      const keep = Uint8Array.from({ length: n }, (_, s) => (pick(s) ? 1 : 0));
      const got = keepSamples(profile, keep);
      const want = selectSamples(profile, (s, stack) => {
        for (let i = profile.sampleLocStart[s]; i < profile.sampleLocStart[s + 1]; i++) stack.push(profile.sampleLocs[i]);
        return keep[s] === 1;
      });
      expect(got.sampleCount, label).toBe(want.sampleCount);
      for (const col of ['sampleLocStart', 'sampleLocs', 'values', 'sampleLabelStart', 'labelKey', 'labelStr', 'labelNum', 'labelNumUnit'] as const) {
        expect(differing(got[col], want[col]), `${label} ${col}`).toBe(0);
      }
    }
    // By name: a sample stays when one of its locations has a line whose function or file matches
    // focus, and none matches ignore (pprof's rule), decided here line by line.
    const lineMatches = (re: RegExp, loc: number): boolean => {
      for (let li = profile.locLineStart[loc]; li < profile.locLineStart[loc + 1]; li++) {
        const f = profile.lineFunction[li];
        if (f >= 0 && (re.test(profile.strings[profile.functionName[f]]) || re.test(profile.strings[profile.functionFile[f]]))) return true;
      }
      return false;
    };
    let mixedPaths = 0;
    for (const [focus, ignore] of [['step3_2', undefined], ['helper', 'step3_2'], [undefined, 'step3_1'], ['l2\\.go', 'runtime\\.newobject']] as const) {
      const f = focus === undefined ? undefined : compileGoRegexp(focus);
      const g = ignore === undefined ? undefined : compileGoRegexp(ignore);
      const got = samplesKeptByName(profile, { focus: f, ignore: g });
      let differ = 0;
      let kept = 0;
      for (let s = 0; s < n; s++) {
        let focused = false;
        let ignored = false;
        for (let i = profile.sampleLocStart[s]; i < profile.sampleLocStart[s + 1]; i++) {
          const loc = profile.sampleLocs[i];
          if (g && lineMatches(g, loc)) ignored = true;
          if (!f || lineMatches(f, loc)) focused = true;
        }
        const want = focused && !ignored ? 1 : 0;
        kept += want;
        if (got[s] !== want) differ++;
      }
      expect(differ, `focus ${focus} ignore ${ignore}`).toBe(0);
      // The same walk in blocks claimed in turn (the app's worker and helper), here with the first
      // two blocks claimed by another thread that never walks them: the rest are walked, those two
      // left. The kept samples' top figures are made in the same walk: this thread's blocks' and,
      // as the helper sends them (WalkFigures.out), the other thread's two, walked after.
      const topFrames = buildFrameTable(profile, { showAddresses: false });
      const types = profile.sampleTypes.map((_, t) => t);
      const { into: mine, outLength } = walkAccumulator(topFrames, types.length);
      const theirs = new Accumulator(topFrames, types);
      const inBlocks = samplesKeptByName(profile, { focus: f, ignore: g }, undefined, (p, mark) => {
        const blockSize = 1000;
        const keep = new Uint8Array(new SharedArrayBuffer(p.sampleCount)).fill(7);
        const state = new Int32Array(new SharedArrayBuffer(4 * (1 + Math.ceil(p.sampleCount / blockSize))));
        state[0] = 2;
        const figures = { frames: topFrames, values: p.values, nTypes: types.length, out: new Float64Array(outLength), done: new Int32Array(1) };
        const job = { sampleLocStart: p.sampleLocStart, sampleLocs: p.sampleLocs, mark, keep, state, count: p.sampleCount, blockSize, figures };
        expect(walkClaimedBlocks(job, mine)).toBe(state.length - 3);
        expect(Array.from(state.subarray(1))).toEqual(Array.from(state.subarray(1), (_, b) => (b < 2 ? 0 : 1)));
        expect(keep.subarray(0, 2 * blockSize).every((k) => k === 7)).toBe(true);
        for (const b of [1, 0]) walkBlock(job, b, { into: theirs, values: p.values, nTypes: types.length });
        const n = theirs.flat.length;
        figures.out.set(theirs.flat, 0);
        figures.out.set(theirs.cum, n);
        figures.out.set(theirs.totals, 2 * n);
        addWalkFigures(figures, mine);
        return keep;
      });
      expect(differing(inBlocks, got), `focus ${focus} ignore ${ignore} in blocks`).toBe(0);
      // Walking only what a forward trie of the profile does not know of each stack (its nodes'
      // paths ORed once: FlameStructure.knownPrefixes), partial or whole, on the profile, on one
      // whose helpers are also called (names marked differently by location: walked whole), and on
      // one where every seventh sample is zero (not in the trie: walked whole).
      const zeroed = { ...profile, values: profile.values.map((v, i) => (Math.floor(i / profile.sampleTypes.length) % 7 === 3 ? 0 : v)) };
      // The kept samples' figures made in that walk too: each one added without its known prefix,
      // whose names get the samples at its node once the walk is over (Accumulator.addBelow, addPrefixes).
      for (const p of [profile, mixed, zeroed]) {
        const want = samplesKeptByName(p, { focus: f, ignore: g });
        const pFrames = buildFrameTable(p, { showAddresses: false });
        const pFiltered = viewProfile({ sources: [p] }, { focus, ignore }).profile;
        for (const share of [1e-3, 1e-4, 0]) {
          const trie = new FlameStructure(p, false, share);
          let prefixes = 0;
          const figures = new Accumulator(pFrames, types);
          const known = samplesKeptByName(p, { focus: f, ignore: g }, undefined, (q, mark) => {
            const k = trie.knownPrefixes(mark, pFrames);
            prefixes += k ? 1 : 0;
            if (k) mixedPaths += k.pathMark.filter((m) => m >= MIXED_MARK).length;
            expect(k?.names).not.toBeNull();
            return focusedSamples(q, mark, { into: figures, values: q.values, nTypes: types.length }, k ?? undefined);
          });
          expect(prefixes).toBe(1);
          expect(differing(known, want), `focus ${focus} ignore ${ignore} with a trie's prefixes (minShare ${share})`).toBe(0);
          for (const t of types) expect(figures.of(t), `focus ${focus} ignore ${ignore} type ${t} figures with a trie's prefixes (minShare ${share})`).toEqual(accumulate(pFiltered, pFrames, t));
        }
      }
      const filtered = viewProfile({ sources: [profile] }, { focus, ignore }).profile;
      const walked = new TopFigures(filtered, { frames: topFrames, figures: mine });
      for (const t of types) {
        expect(mine.of(t), `focus ${focus} ignore ${ignore} type ${t} figures`).toEqual(accumulate(filtered, topFrames, t));
        expect(walked.top(t, { nodecount: 50, nodefraction: 0.005 }), `focus ${focus} ignore ${ignore} type ${t} top`).toEqual(computeTop(filtered, t, { nodecount: 50, nodefraction: 0.005 }));
      }
      expect(kept, `focus ${focus} ignore ${ignore}`).toBeGreaterThan(0);
      expect(kept, `focus ${focus} ignore ${ignore}`).toBeLessThan(n);
    }
    // Some paths are walked whole (a name whose locations are marked differently).
    expect(mixedPaths).toBeGreaterThan(0);
  });

  it.each([
    [false, 1e-3],
    [false, 1e-4],
    [true, 1e-3],
  ])('inverted=%s, the parent’s minShare %s: the same graphs as a trie of the filtered profile', (inverted, parentShare) => {
    for (const [label, p] of [['generated', profile], ['helpers also called', mixed]] as const) {
      const plain = viewProfile({ sources: [p] });
      const parent = new FlameStructure(plain.profile, inverted, parentShare);
      // The parent left parts out, and the kept samples reach them (so they are partitioned further).
      expect(parent.graph(1).hidden?.subtrees).toBe(true);
      for (const [i, filters] of FILTERS.entries()) {
        // `onKept` is told the kept samples before they are copied (the app's helper starts the trie from the parent's stacks then).
        let told: Int32Array | undefined;
        const { view, kept } = narrowView(plain, filters, undefined, (k) => (told = k));
        expect(told).toBe(kept);
        expect(view.profile.sampleCount).toBeGreaterThan(0);
        expect(view.profile.sampleCount).toBeLessThan(p.sampleCount);
        // Its own minShare: the parent's (a smaller width: more is made), a larger one (parent
        // nodes go), and none for the chip keeping few samples (every node, as buildFlameGraph).
        for (const share of i === 0 ? [parentShare, 2e-2, 0] : [parentShare, 2e-2]) {
          const narrowed = new FlameStructure(view.profile, inverted, share, { parent, kept });
          const fresh = new FlameStructure(view.profile, inverted, share);
          // As the app's helper makes it: from the parent's stack columns and the kept samples (keptStacks), not the chip's copy of them.
          const up = parent.narrowable({ sampleCount: kept.length }, parent.frameTable, inverted, kept);
          expect(up).not.toBeNull();
          const fromParent = new FlameStructure(view.profile, inverted, share, structuredClone(narrowStacks(up!, keptStacks(stackColumns(plain.profile), kept), parent.frameTable, inverted, kept, share)));
          expect(narrowed.size).toBe(fresh.size);
          expect(fromParent.size).toBe(fresh.size);
          for (let t = 0; t < 4; t++) {
            const what = `${label} ${JSON.stringify(filters)} type ${t} minShare ${share}`;
            expectSameGraphs(narrowed.graph(t), fresh.graph(t), what);
            expectSameGraphs(fromParent.graph(t), fresh.graph(t), `${what}, from the parent's stacks`);
            if (share > 0 && t === 1) expect(fresh.graph(t).hidden?.subtrees, what).toBe(true);
            if (t === 1) expectSameGraphs(narrowed.graph(t, { maxNodes: 300 }), fresh.graph(t, { maxNodes: 300 }), `${what} maxNodes 300`);
            if (share === 0) expectSameGraphs(narrowed.graph(t), buildFlameGraph(view.profile, t, { inverted }), `${what} against buildFlameGraph`);
          }
        }
      }
    }
  });

  it.each([
    [true, 1e-3],
    [false, 1e-3],
    [true, 0],
  ])('a partition shared by two threads (inverted=%s, minShare %s) makes partitionStacks’ graphs', (inverted, share) => {
    for (const [label, p] of [['generated', profile], ['helpers also called', mixed]] as const) {
      const { view } = narrowView(viewProfile({ sources: [p] }), { focus: 'step3_2' });
      const frames = buildFrameTable(view.profile, { showAddresses: true });
      const fresh = new FlameStructure(view.profile, inverted, share, partitionStacks(view.profile, frames, inverted, share));
      const two = new PartitionInTwo(view.profile, frames, inverted, share);
      expect(two.share, label).not.toBeNull();
      // Sent as to another thread (a structured clone): its samples' columns are written in place, in shared memory,
      // their nodes by the share's own ids (biased: negative) until finish puts them in the trie's numbering.
      const theirs = partitionShare(structuredClone(two.share!));
      const written = two.share!.columns.sampleNode;
      expect(two.share!.sample.some((s) => written[s] < 0), label).toBe(true);
      two.own();
      const finished = two.finish(theirs);
      expect(finished.sampleNode.every((node) => node >= 0 && node < finished.size), label).toBe(true);
      const shared = new FlameStructure(view.profile, inverted, share, finished);
      // The share partitioned here instead (the other thread could not).
      const alone = new PartitionInTwo(view.profile, frames, inverted, share);
      const fallback = new FlameStructure(view.profile, inverted, share, alone.finish(null));
      expect([shared.size, fallback.size], label).toEqual([fresh.size, fresh.size]);
      for (let t = 0; t < 4; t++) {
        expectSameGraphs(shared.graph(t), fresh.graph(t), `${label} type ${t}`);
        expectSameGraphs(fallback.graph(t), fresh.graph(t), `${label} type ${t}, share done here`);
      }
      if (share === 0) expectSameGraphs(shared.graph(1), buildFlameGraph(view.profile, 1, { inverted }), `${label} against buildFlameGraph`);
    }
  });

  it('makes a chip’s figures in its walk with a trie’s prefixes as accumulate makes them, on recursive stacks with inlined frames', () => {
    // warm-up.ts's synthetic profile: recursion (a name on a path again below it) and stacks
    // stopped at an inlined frame whose caller, in the same location, is on the path.
    const p = decodePprof(syntheticProfileBytes(4_000, 24));
    const frames = buildFrameTable(p, { showAddresses: false });
    const types = p.sampleTypes.map((_, t) => t);
    for (const filters of [{ focus: 'fn1$' }, { focus: 'fn(3|7)$', ignore: 'fn5$' }, { ignore: 'fn2$' }]) {
      const filtered = viewProfile({ sources: [p] }, filters).profile;
      expect(filtered.sampleCount).toBeGreaterThan(0);
      for (const share of [1e-3, 0.02, 0.1, 0.3]) {
        const trie = new FlameStructure(p, false, share);
        const figures = new Accumulator(frames, types);
        narrowView(viewProfile({ sources: [p] }), filters, (q, mark) => {
          const k = trie.knownPrefixes(mark, frames);
          expect(k?.names).not.toBeNull();
          return focusedSamples(q, mark, { into: figures, values: q.values, nTypes: types.length }, k ?? undefined);
        });
        for (const t of types) expect(figures.of(t), `${JSON.stringify(filters)} type ${t} minShare ${share}`).toEqual(accumulate(filtered, frames, t));
      }
    }
  });

  it('has the names both ways in the variant, and an empty view’s graph is its root', () => {
    const frames = buildFrameTable(mixed, { showAddresses: true });
    const ways = new Uint8Array(frames.names.length);
    for (let f = 0; f < frames.frameName.length; f++) ways[frames.frameName[f]] |= frames.frameInline[f] === 1 ? 1 : 2;
    expect(ways.includes(3)).toBe(true);
    const plain = viewProfile({ sources: [profile] });
    const parent = new FlameStructure(plain.profile, false, 1e-3);
    const { view, kept } = narrowView(plain, { focus: 'no-such-function' });
    const narrowed = new FlameStructure(view.profile, false, 1e-3, { parent, kept });
    expectSameGraphs(narrowed.graph(1), buildFlameGraph(view.profile, 1), 'empty', false);
  });
});
