// What an import keeps about a profile (its summary, per-function figures of every sample type,
// its top tables), computed from samples visited one at a time and never stored as columns:
// for a profile of millions of deep stacks the sample columns are most of its decoded size,
// and none of these answers needs them. The same figures as summarizeProfile,
// functionStatsOf and computeTop on the decoded profile (one walk adds up every type).

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { leavesAreUnlocks, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { functionStatsOfFigures, type FunctionStats } from './runs/function-stats.js';
import { Accumulator, EdgeWalk, topOfFigures, type TopOptions, type TopReport } from './top.js';
import { BASE_LABEL } from './profile-view.js';
import type { SampleCounts, ScanOptions } from '../formats/pprof/decode-pprof.js';

/** A profile whose samples are visited, not held (formats/pprof/decode-pprof.ts: scanPprof). */
export interface ProfileSamples {
  /** The profile without its samples. */
  skeleton: Profile;
  sampleCount: number;
  forEachSample(visit: (s: number, locs: Uint32Array, nLocs: number, values: Float64Array, labelKeys: Int32Array, nLabels: number) => void, options?: ScanOptions): SampleCounts;
}

/**
 * The figures of some of a profile's samples (from..to-1): one walk adds up every type's flat
 * and cum, the totals, the leaves and the label keys, and sets each sample's bits in
 * `sampleBits` (see ScannedProfile). Parts of one profile made on different threads add up to
 * the whole (flat, cum and totals are sums of integers: exact in any order).
 */
export interface ScanPart {
  /** By function and type, as Accumulator keeps them. */
  flat: Float64Array;
  cum: Float64Array;
  totals: Float64Array;
  leafCount: Uint32Array;
  isLabelKey: Uint8Array;
  counts: SampleCounts;
  /** How many samples the part walked. */
  samples: number;
}

/** What a scan keeps of a skeleton: its frames and the inline bits of its functions and locations. */
export class ScanFrames {
  readonly frames: FrameTable;
  /**
   * Per function name: its bit among 16 when it appears as an inlined frame somewhere (only
   * those can get an inline label), else 0. Per location: its functions' bits; null when no
   * function is ever inlined.
   */
  readonly inlineBit: Int32Array;
  readonly locBits: Int32Array | null;

  constructor(readonly skeleton: Profile) {
    this.frames = buildFrameTable(skeleton, { showAddresses: false });
    this.inlineBit = inlineBits(this.frames);
    this.locBits = locationBits(this.frames, this.inlineBit);
  }
}

/** Walks samples from..to-1 (all by default) into a part; `sampleBits[s]` gets sample s's bits when locBits is not null. */
export function scanPart(samples: ProfileSamples, sf: ScanFrames, sampleBits: Uint16Array | null, range: { from?: number; to?: number } = {}): ScanPart {
  let given = false;
  return scanRanges(samples, sf, sampleBits, () => (given ? null : ((given = true), { from: range.from ?? 0, to: range.to ?? samples.sampleCount })));
}

/**
 * Samples in blocks of this many, handed out to the threads of one scan as each asks for its next
 * (scanClaimed), so a thread the machine runs slower (a loaded machine) walks fewer of them.
 */
export const SCAN_BLOCK = 1 << 15;

/** Bad input in a block a thread claimed: the decoder's error (`cause`) and the block's first sample (the earliest block's error is the file's first). */
export class ScanBlockError extends Error {
  constructor(
    readonly at: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * One thread's part of a scan shared with others: blocks of SCAN_BLOCK samples claimed from
 * `next` (shared memory: the next block's first sample) until every sample is claimed. A block's
 * bad input is a ScanBlockError, after which no thread claims another block.
 */
export function scanClaimed(samples: ProfileSamples, sf: ScanFrames, sampleBits: Uint16Array | null, next: Int32Array): ScanPart {
  const n = samples.sampleCount;
  let from = -1;
  try {
    return scanRanges(samples, sf, sampleBits, () => {
      from = Atomics.add(next, 0, SCAN_BLOCK);
      return from < n ? { from, to: Math.min(from + SCAN_BLOCK, n) } : null;
    });
  } catch (err) {
    Atomics.store(next, 0, n);
    throw new ScanBlockError(from, err);
  }
}

function scanRanges(samples: ProfileSamples, sf: ScanFrames, sampleBits: Uint16Array | null, nextRange: () => { from: number; to: number } | null): ScanPart {
  const { skeleton } = samples;
  const acc = new Accumulator(sf.frames, skeleton.sampleTypes.map((_, t) => t));
  const leafCount = new Uint32Array(skeleton.locAddress.length);
  const isLabelKey = new Uint8Array(skeleton.strings.length);
  const bitsOut = sf.locBits ? sampleBits : null;
  // The accumulator ORs each sample's bits as it adds the sample (zero for a sample of no value: no table walks it).
  if (bitsOut) acc.locBits = sf.locBits;
  const visit = (s: number, locs: Uint32Array, nLocs: number, values: Float64Array, labelKeys: Int32Array, nLabels: number): void => {
    acc.add(s, locs, 0, nLocs, values, 0);
    if (nLocs > 0) leafCount[locs[0]]++;
    for (let i = 0; i < nLabels; i++) isLabelKey[labelKeys[i]] = 1;
    if (bitsOut) bitsOut[s] = acc.bits;
  };
  const counts = { locations: 0, labels: 0 };
  let walked = 0;
  for (let range = nextRange(); range; range = nextRange()) {
    const c = samples.forEachSample(visit, range);
    counts.locations += c.locations;
    counts.labels += c.labels;
    walked += range.to - range.from;
  }
  return { flat: acc.flat, cum: acc.cum, totals: acc.totals, leafCount, isLabelKey, counts, samples: walked };
}

export class ScannedProfile {
  readonly summary: ProfileSummary;
  private readonly frames: FrameTable;
  private readonly figures: Accumulator;
  private stats: FunctionStats | undefined;
  private readonly inlineBit: Int32Array;
  /** Per sample: the bits of the functions in its stack. A top table's labels walk only the samples that hold a shown function inlined somewhere. */
  private readonly sampleBits: Uint16Array | null;

  /**
   * Every type's figures, the totals, the label keys, the leaves: from one walk of the samples,
   * or from the parts others walked (which together cover every sample once, and set `sampleBits`).
   */
  constructor(
    private readonly samples: ProfileSamples,
    given?: { frames: ScanFrames; parts: ScanPart[]; sampleBits: Uint16Array | null },
  ) {
    const { skeleton } = samples;
    const sf = given?.frames ?? new ScanFrames(skeleton);
    this.frames = sf.frames;
    this.inlineBit = sf.inlineBit;
    this.sampleBits = given ? given.sampleBits : sf.locBits ? new Uint16Array(samples.sampleCount) : null;
    const parts = given?.parts ?? [scanPart(samples, sf, this.sampleBits)];
    const acc = new Accumulator(this.frames, skeleton.sampleTypes.map((_, t) => t));
    const leafCount = new Uint32Array(skeleton.locAddress.length);
    const isLabelKey = new Uint8Array(skeleton.strings.length);
    for (const part of parts) {
      acc.addFigures(part);
      part.leafCount.forEach((n, l) => (leafCount[l] += n));
      part.isLabelKey.forEach((k, i) => (isLabelKey[i] |= k));
    }
    this.figures = acc;
    const labelKeys: number[] = [];
    isLabelKey.forEach((k, i) => k && labelKeys.push(i));
    this.summary = summarizeProfile(
      { ...skeleton, sampleCount: samples.sampleCount },
      { totals: acc.totals, labelKeys, mutexLike: () => leavesAreUnlocks(skeleton, leafCount) },
    );
  }

  /**
   * Whether the figures here are those of the decoded profile's unfiltered view: not when the
   * profile drops frames on load (drop_frames) or carries pprof's diff-base label, which change
   * the view before any figure is taken.
   */
  get skeleton(): Profile {
    return this.samples.skeleton;
  }

  static fits(skeleton: Profile): boolean {
    return skeleton.dropFrames === '' && !skeleton.strings.includes(BASE_LABEL);
  }

  functionStats(): FunctionStats {
    this.stats ??= functionStatsOfFigures(this.frames.names, this.samples.skeleton.sampleTypes, this.figures);
    return this.stats;
  }

  /** The top table of one sample type (computeTop of the unfiltered view); its inline labels take one more walk. */
  top(typeIndex: number, options: TopOptions): TopReport {
    const figures = this.figures.of(typeIndex);
    return topOfFigures(this.frames, this.samples.skeleton.sampleTypes[typeIndex], figures, options, figures.total, (shown) => {
      const walk = new EdgeWalk(this.frames, shown, true);
      // Only the edges into a shown function that is inlined somewhere decide a label, and
      // only samples holding one such function have those edges: the others are skipped.
      let wanted = 0;
      shown.forEach((on, name) => (wanted |= on ? this.inlineBit[name] : 0));
      const bits = this.sampleBits;
      const only = bits ? (s: number) => (bits[s] & wanted) !== 0 : undefined;
      this.samples.forEachSample((s, locs, nLocs, values) => walk.add(s, locs, 0, nLocs, values[typeIndex]), { labels: false, only });
      return walk.edges;
    });
  }
}

/** Each function name that appears as an inlined frame gets one of 16 bits (by its index); the others 0. */
function inlineBits(frames: FrameTable): Int32Array {
  const bits = new Int32Array(frames.names.length);
  frames.frameInline.forEach((inl, f) => {
    if (inl) bits[frames.frameName[f]] = 1 << (frames.frameName[f] & 15);
  });
  return bits;
}

/** Per location, the bits of its frames' functions (inlined there or not); null when no function is ever inlined. */
function locationBits(frames: FrameTable, inlineBit: Int32Array): Int32Array | null {
  if (!inlineBit.some((b) => b !== 0)) return null;
  const { locFrameStart, frameName } = frames;
  const out = new Int32Array(locFrameStart.length - 1);
  for (let l = 0; l < out.length; l++) {
    for (let f = locFrameStart[l]; f < locFrameStart[l + 1]; f++) out[l] |= inlineBit[frameName[f]];
  }
  return out;
}
