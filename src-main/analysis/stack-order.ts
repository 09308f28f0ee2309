// An order of a big profile's samples in which the flame trie's partition (flame-partition.ts) reads
// memory close to in order, and the stacks copied into it.
//
// The partition visits a node's samples at each split and reads each one's stack at its cursor.
// When the samples of a node lie near each other in memory (a profile written grouped by stack,
// as pprof's own generators and our bench profile do), those reads stream. When they do not (a
// runtime's CPU profile writes its samples in the order they were first seen; an inverted trie
// groups samples by their leaf, which no writer groups by), every read misses the caches and the
// TLB: on the bench's 1.6M-sample allocs profile, shuffled, the forward trie took 2.2 s against
// 0.45 s grouped, and the inverted trie 0.8 s on either.
//
// Here the samples are given a key from the first locations of their stacks in the trie's
// direction (root first forward, leaf first inverted): a few bits per depth for the depths where
// the stacks differ, so samples with the same first locations have the same key and keys sort
// as the trie's paths group. The keys are sorted (a 3-pass LSD radix sort of 32-bit keys), and
// each sample's stack and values copied into one of ~1024 regions of consecutive ranks, in one
// pass over the stacks in their own order (each region is written in order, so the pass streams
// on both sides; a full sort of the stacks, read at random, took 3× as long). A node of the trie
// then has its samples in one region or a few neighbouring ones, which stay cached.
//
// Measured on the 1.6M-sample profile (single thread, load ~1): the key and sort take ~110 ms
// and the copy ~200–250 ms; the forward trie of the shuffled records then takes ~0.85 s in all
// instead of 2.2 s, and the inverted trie ~0.6 s instead of 0.8 s. Records already grouped keep
// their order (neighbouring samples fall in the same region of the keys' order: STREAMED_JUMPS).
//
// The app's import of a big profile (profile-worker.ts decodeInTwo) goes further for the forward
// trie of its first flame graph: the same keys are made from each record's raw bytes as the two
// threads count them (recordKeyPlan, decode-pprof.ts RecordTails), the table of records is put in
// the keys' order, and the samples are decoded in it, so the profile is born grouped and its trie
// needs no copy (the samples' order is not the file's then; nothing gpw shows depends on it).
// Measured on the runtime-written 1.5M-record allocs profile in the app (load ~1): the decode
// takes ~0.6 s instead of ~0.35 (keyed count ~150 ms on two threads, sort and reorder ~110 ms,
// records read out of order ~+10 %), the first trie ~0.75–0.9 s instead of ~1.4 s (with followBulk).

import type { StackColumns } from './flame-partition.js';
import { RecordTails, type RecordKeys, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { bufferFor } from './profile-rewrite.js';

/** Where each sample's locations end in its sampleLocs (see StackColumns.sampleLocEnd; here as the partition reads stacks). */
export function locEndsOf(profile: StackColumns): Uint32Array {
  return profile.sampleLocEnd ?? profile.sampleLocStart.subarray(1);
}

/** A profile's stacks in another order: sample k here is sample `oldId[k]` of the profile. */
export interface StackOrder {
  stacks: StackColumns;
  oldId: Int32Array;
}

/**
 * Profiles smaller than `minSamples` samples or `minLocations` locations in all their stacks are
 * read from the caches in any order (tests lower these to reorder small profiles).
 */
export const stackOrderSizes = { minSamples: 65536, minLocations: 4 << 20 };
/**
 * The share of neighbouring samples in different regions of the keys' order under which the
 * profile's own order is kept. Measured on the bench's profile with its samples shuffled in
 * blocks: with blocks of 16 (1/16 apart) the copy and the plain trie took as long; blocks of 64
 * were faster plain, blocks of 4 copied.
 */
const STREAMED_JUMPS = 1 / 32;
/** Neighbouring pairs whose keys are compared to tell (one in every so many), and keys taken to place them. */
const RUN_CHECK_EVERY = 61; // odd: not in step with blocks a writer may repeat
const KEY_SAMPLE = 8192;
/** About how many neighbouring pairs of records recordKeyPlan compares. */
const RECORD_PAIRS = 4096;
/** Depths (locations from the trie's side) looked at for the key, and the key's bits. */
const MAX_DEPTH = 64;
const KEY_BITS = 32;
const MAX_DEPTH_BITS = 12;
/** About how many regions the stacks are copied into. */
const REGIONS = 1024;

/**
 * The profile's stacks in an order the partition reads in close to memory order (see above), or
 * null where its own order serves as well (small, or already grouped by stack), or 'stopped' when
 * `stop[0]` was set meanwhile (looked at every STOP_CHECK_EVERY samples: a job made ahead, app-helper.ts).
 * The copy is in shared memory when `shared` (another thread partitions some of it).
 */
export function stackOrder(profile: StackColumns, inverted: boolean, stop: Int32Array | null = null, shared = false): StackOrder | null | 'stopped' {
  const n = profile.sampleCount;
  if (n < stackOrderSizes.minSamples) return null;
  const starts = profile.sampleLocStart;
  const ends = locEndsOf(profile);
  let size = 0;
  for (let s = 0; s < n; s++) size += ends[s] - starts[s];
  if (size < stackOrderSizes.minLocations) return null;
  const keys = new StackKeys(n, columnsRootSide(profile, inverted));
  if (keys.used === 0 || keys.jumps() < STREAMED_JUMPS) return null;
  const stopped = (): boolean => stop !== null && Atomics.load(stop, 0) !== 0;
  const key = new Uint32Array(n);
  for (let from = 0; from < n; from += STOP_CHECK_EVERY) {
    if (stopped()) return 'stopped';
    for (let s = from, to = Math.min(n, from + STOP_CHECK_EVERY); s < to; s++) key[s] = keys.of(s);
  }
  if (stopped()) return 'stopped';
  const rank = ranksOf(key);
  return copiedByRank(profile, rank, size, shared, stopped);
}

/**
 * For a big profile decoded in the forward trie's order (the app's import: decode-pprof.ts
 * reorderedTable), its records read before they are decoded (`rootSide`): the key plan of their
 * stacks, or null where their own order serves (stackOrder's null: few samples or locations in
 * all, estimated from a spread of records, or records already grouped by stack).
 */
export function recordKeyPlan(n: number, rootSide: RootSide): StackKeys | null {
  if (n < stackOrderSizes.minSamples) return null;
  const keys = new StackKeys(n, rootSide);
  // (A record is read whole for its key: fewer pairs looked at than stackOrder's.)
  if (keys.meanDepth * n < stackOrderSizes.minLocations || keys.used === 0 || keys.jumps(Math.max(RUN_CHECK_EVERY, Math.floor(n / RECORD_PAIRS) | 1)) < STREAMED_JUMPS) return null;
  return keys;
}

/**
 * The keyed count (decode-pprof.ts RecordKeys) of a located profile's records, in shared memory,
 * for a decode in its forward trie's order; null where its records' own order serves (recordKeyPlan).
 */
export function plannedRecordKeys(table: SampleTable): SharedRecordKeys | null {
  const n = table.sStart.length;
  const tails = RecordTails.of(table, MAX_DEPTH);
  const plan = recordKeyPlan(n, (s, out) => {
    tails.read(s);
    return tails.root(out);
  });
  if (!plan) return null;
  const shared = (): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * n));
  return { bits: plan.bits.slice(), key: shared(), facts: new Uint32Array(new SharedArrayBuffer(16 * n)) };
}

/** A keyed count's plan and per-sample columns (plain data, shared memory: another thread keys part of the records). */
export interface SharedRecordKeys {
  bits: Int32Array;
  key: Uint32Array;
  facts: Uint32Array;
}

/** The RecordKeys of a shared plan (on any thread: the keys are the same). */
export function recordKeys(shared: SharedRecordKeys): RecordKeys {
  const keys = new StackKeys(shared.key.length, () => 0, shared.bits);
  return { key: shared.key, facts: shared.facts, depth: keys.deepest, keyOf: (root, depth) => keys.keyOf(root, depth) };
}

/** Samples keyed or copied between looks at the stop flag (a job made ahead gives way within a few ms). */
const STOP_CHECK_EVERY = 65536;

/**
 * Reads stack s's locations from the trie's side (root first forward, leaf first inverted): the
 * first of them, as many as `out` holds, into `out`; answers how many locations the stack has.
 */
export type RootSide = (s: number, out: Int32Array) => number;

/** The RootSide of a profile's stack columns. */
function columnsRootSide(profile: StackColumns, inverted: boolean): RootSide {
  const locs = profile.sampleLocs;
  const starts = profile.sampleLocStart;
  const ends = locEndsOf(profile);
  return (s, out) => {
    const a = starts[s];
    const b = ends[s];
    const depth = Math.min(out.length, b - a);
    if (inverted) for (let d = 0; d < depth; d++) out[d] = locs[a + d];
    else for (let d = 0; d < depth; d++) out[d] = locs[b - 1 - d];
    return b - a;
  };
}

/**
 * Each sample's key: per depth from the trie's side where stacks differ (in a sample of them),
 * enough bits for the locations seen there (at most MAX_DEPTH_BITS), root depths first, until
 * KEY_BITS are taken. A depth's bits hold 0 where the stack is shorter, else 1 + the location
 * modulo what the bits can hold (two locations may share a code: their groups then interleave).
 */
export class StackKeys {
  /** The key's bits per depth (shared with another thread that keys the same stacks: `given`). */
  readonly bits = new Int32Array(MAX_DEPTH);
  /** The key's bits taken (0: the stacks do not differ in the depths looked at). */
  readonly used: number;
  /** How many depths the key reads. */
  readonly deepest: number;
  /** The mean number of locations of the stacks looked at to choose the bits (0 with `given`). */
  readonly meanDepth: number = 0;
  private readonly root = new Int32Array(MAX_DEPTH);
  /** root's first `deepest` entries (what `of` reads). */
  private readonly keyed: Int32Array;

  constructor(
    private readonly count: number,
    private readonly rootSide: RootSide,
    given?: Int32Array,
  ) {
    if (given) this.bits.set(given);
    else this.meanDepth = this.choose();
    const { bits } = this;
    let used = 0;
    let deepest = 0;
    for (let d = 0; d < MAX_DEPTH; d++) {
      used += bits[d];
      if (bits[d] > 0) deepest = d + 1;
    }
    this.used = used;
    this.deepest = deepest;
    this.keyed = this.root.subarray(0, deepest);
  }

  /** Sets the bits from the locations seen at each depth (modulo 4096, in KEY_SAMPLE stacks spread over the profile); answers their mean depth. */
  private choose(): number {
    const n = this.count;
    const seen = new Int32Array(MAX_DEPTH * 128);
    const { root } = this;
    const every = Math.max(1, Math.floor(n / KEY_SAMPLE));
    let stacks = 0;
    let locations = 0;
    for (let s = 0; s < n; s += every) {
      const m = this.rootSide(s, root);
      stacks++;
      locations += m;
      for (let d = 0, depth = Math.min(MAX_DEPTH, m); d < depth; d++) {
        const l = root[d] & 4095;
        seen[d * 128 + (l >>> 5)] |= 1 << (l & 31);
      }
    }
    const { bits } = this;
    for (let d = 0, used = 0; d < MAX_DEPTH && used < KEY_BITS; d++) {
      let count = 0;
      for (let w = 0; w < 128; w++) for (let v = seen[d * 128 + w]; v !== 0; v &= v - 1) count++;
      if (count <= 1) continue;
      bits[d] = Math.min(MAX_DEPTH_BITS, Math.ceil(Math.log2(count + 1)), KEY_BITS - used);
      used += bits[d];
    }
    return stacks === 0 ? 0 : locations / stacks;
  }

  /** Sample s's key. */
  of(s: number): number {
    return this.keyOf(this.keyed, this.rootSide(s, this.keyed));
  }

  /** The key of a stack of `depth` locations whose first ones from the trie's side are root[0..min(depth, deepest)). */
  keyOf(root: ArrayLike<number>, depth: number): number {
    const { bits, used } = this;
    let h = 0;
    for (let d = 0; d < this.deepest; d++) {
      const bd = bits[d];
      if (bd === 0) continue;
      const code = d < depth ? 1 + (root[d] % ((1 << bd) - 1)) : 0;
      h = ((h << bd) | code) >>> 0;
    }
    return used < KEY_BITS ? (h << (KEY_BITS - used)) >>> 0 : h;
  }

  /**
   * The share of neighbouring samples (one pair in `every`) whose places in the keys'
   * order are a region (copiedByRank's) or more apart: how often the partition's reads would
   * jump. Places are estimated from KEY_SAMPLE keys spread over the profile.
   */
  jumps(every = RUN_CHECK_EVERY): number {
    const n = this.count;
    const spread = new Uint32Array(Math.min(n, KEY_SAMPLE));
    const apartBy = n / spread.length;
    for (let i = 0; i < spread.length; i++) spread[i] = this.of(Math.floor(i * apartBy));
    spread.sort();
    const region = 2 ** regionShift(n);
    // How many spread keys are at most this one, in samples (equal keys: one place).
    const placeOf = (key: number): number => {
      let lo = 0;
      let hi = spread.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (spread[mid] <= key) lo = mid + 1;
        else hi = mid;
      }
      return lo * apartBy;
    };
    let pairs = 0;
    let apart = 0;
    for (let s = 0; s + 1 < n; s += every) {
      pairs++;
      if (Math.abs(placeOf(this.of(s)) - placeOf(this.of(s + 1))) >= region) apart++;
    }
    return pairs === 0 ? 0 : apart / pairs;
  }
}

/** Regions of 2^shift consecutive ranks: about REGIONS of them. */
function regionShift(n: number): number {
  return Math.max(0, Math.ceil(Math.log2(n / REGIONS)));
}

/** Each sample's place in the order of its key (ties in the profile's order). */
function ranksOf(key: Uint32Array): Int32Array {
  const order = keyOrder(key);
  const rank = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) rank[order[k]] = k;
  return rank;
}

/** The samples in the order of their keys (ties in the profile's order): an LSD radix sort, 11 bits a pass. */
export function keyOrder(key: Uint32Array): Int32Array {
  const n = key.length;
  let order = new Int32Array(n);
  let into = new Int32Array(n);
  let k1: Uint32Array = key;
  let k2: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const count = new Int32Array(2048);
  for (let shift = 0; shift < KEY_BITS; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(k1[i] >>> shift) & 2047]++;
    for (let j = 0, sum = 0; j < 2048; j++) {
      const c = count[j];
      count[j] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = k1[i];
      const at = count[(v >>> shift) & 2047]++;
      into[at] = order[i];
      k2[at] = v;
    }
    [order, into] = [into, order];
    [k1, k2] = [k2, k1];
  }
  return order;
}

/**
 * The stacks and values copied region by region: region r holds the samples ranked in
 * [r·2^shift, (r+1)·2^shift), in the profile's order within it; numbered in the copy's order.
 * 'stopped' when `stopped()` says so (looked at every STOP_CHECK_EVERY samples).
 */
function copiedByRank(profile: StackColumns, rank: Int32Array, size: number, shared: boolean, stopped: () => boolean): StackOrder | 'stopped' {
  const n = profile.sampleCount;
  const nTypes = profile.sampleTypes.length;
  const { sampleLocs: locs, sampleLocStart: starts, values } = profile;
  const ends = locEndsOf(profile);
  const shift = regionShift(n);
  const regions = (n >>> shift) + 1;
  // Each region's next sample and next location in the copy.
  const nextSample = new Int32Array(regions + 1);
  const nextLoc = new Int32Array(regions + 1);
  for (let s = 0; s < n; s++) {
    const r = rank[s] >>> shift;
    nextSample[r + 1]++;
    nextLoc[r + 1] += ends[s] - starts[s];
  }
  for (let r = 0; r < regions; r++) {
    nextSample[r + 1] += nextSample[r];
    nextLoc[r + 1] += nextLoc[r];
  }
  const sampleLocStart = new Uint32Array(bufferFor(4 * (n + 1), shared));
  const sampleLocs = new Uint32Array(bufferFor(4 * size, shared));
  const copied = new Float64Array(bufferFor(8 * n * nTypes, shared));
  const oldId = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if ((s & (STOP_CHECK_EVERY - 1)) === 0 && stopped()) return 'stopped';
    const r = rank[s] >>> shift;
    const k = nextSample[r]++;
    let at = nextLoc[r];
    sampleLocStart[k] = at;
    for (let j = starts[s], b = ends[s]; j < b; j++) sampleLocs[at++] = locs[j];
    nextLoc[r] = at;
    for (let t = 0; t < nTypes; t++) copied[k * nTypes + t] = values[s * nTypes + t];
    oldId[k] = s;
  }
  sampleLocStart[n] = size;
  return { stacks: { sampleTypes: profile.sampleTypes, sampleCount: n, sampleLocStart, sampleLocs, values: copied }, oldId };
}
