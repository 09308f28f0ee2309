// pprof profile.proto (gzipped or raw) → the columnar Profile model.
// Written from the profile.proto field numbers; protobufjs's Reader does the wire-level work.

import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import type { Profile, ProfileMapping, ValueType } from '../../model/profile.js';
import { FormatError } from '../format-error.js';
import { Growable } from '../growable.js';
import { readUint64Key, readUint64KeyAt, readVarint, readVarintAt, varintEnd, type Uint64Key } from './varint.js';

type Reader = protobuf.Reader;
const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/**
 * Largest decompressed profile we accept: beyond this the input is almost certainly not a
 * profile (gunzip holds it twice while it finishes, so this also bounds the decoder's memory).
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;
/**
 * The memory budget, as a count: strings, samples, mappings, locations and functions together
 * (each costs tens of bytes decoded, whatever few bytes it takes in the file). A 1 MB gzip file
 * can hold hundreds of millions of empty entries; a real profile holds a few million at most.
 */
export const MAX_DECODED_ENTRIES = 8_000_000;
/** The same budget for what the entries hold: location lines, and sample location ids (4 bytes each, so four times as many). */
const MAX_LOCATION_LINES = MAX_DECODED_ENTRIES;
const MAX_SAMPLE_LOCATIONS = 8 * MAX_DECODED_ENTRIES;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompress if gzipped; raw protobuf passes through. */
export function unwrapPprofBytes(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES, chunkSize: gunzipChunkSize(bytes) });
  } catch (err) {
    throw gunzipFailure(err);
  }
}

/** A zlib error of a profile's gunzip, as the FormatError that says what is wrong. */
export function gunzipFailure(err: unknown): FormatError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test(String(err))) return tooLargeGzip();
  return new FormatError(code === 'Z_BUF_ERROR' ? 'the gzip stream ends early (truncated file)' : `invalid gzip data (${(err as Error).message})`);
}

export const tooLargeGzip = (): FormatError => new FormatError(`gzip data expands beyond ${MAX_DECOMPRESSED_BYTES / 2 ** 20} MiB; not a profile gpw can read`);

/** The size a gzip file's trailer gives for its data (ISIZE: the size mod 2^32); only a hint. */
export function gzipSizeHint(bytes: Uint8Array): number {
  const n = bytes.length;
  return n < 18 ? 0 : (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
}

/**
 * One output chunk as large as the gzip trailer says the data is (ISIZE, the size mod 2^32),
 * so zlib writes the output once instead of in 64 KiB chunks joined at the end, which holds the
 * output twice (a third faster and half the peak memory for a 100 MB profile). The trailer is
 * only a hint: a wrong one costs chunks, never correctness; deflate expands at most ~1032×.
 */
function gunzipChunkSize(bytes: Uint8Array): number {
  return Math.max(64 * 1024, Math.min(gzipSizeHint(bytes) + 64, MAX_DECOMPRESSED_BYTES + 64, bytes.length * 1032 + 64));
}

interface Column {
  length: number;
  push(v: number): void;
  view(): Uint32Array;
  finish(): Uint32Array;
}
interface Range {
  start: Column;
  end: Column;
}
const newRange = (): Range => ({ start: new Growable(Uint32Array), end: new Growable(Uint32Array) });

/**
 * A column in shared memory: the samples' byte ranges, which an import's scan on two threads
 * gives the helper thread without a copy (workers/scan-helper.ts); millions for a big profile.
 */
class SharedColumn implements Column {
  length = 0;
  private data: Uint32Array;

  /**
   * `capacity`: as many as there can be. Shared memory starts zeroed and only the part written
   * is backed by the OS, so a generous bound costs address space, not memory, and the column
   * never grows by copies (whose garbage a big profile would hold for a while).
   */
  constructor(capacity: number) {
    this.data = sharedUint32(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = sharedUint32(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }

  finish(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
}

function sharedFloat64(n: number): Float64Array {
  return new Float64Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(8 * n) : new ArrayBuffer(8 * n));
}

function readRange(r: Reader, into: Range): void {
  const len = r.uint32();
  const start = r.pos;
  if (start + len > r.len) throw new RangeError('length exceeds buffer');
  into.start.push(start);
  into.end.push(start + len);
  r.pos = start + len;
}

/** A repeated varint field, packed or not (the span fieldSpan gives). */
function readRepeated(r: Reader, wireType: number, push: (v: number) => void): void {
  const [from, end] = fieldSpan(r, wireType, r.len, 'comment');
  r.pos = from;
  while (r.pos < end) push(readVarint(r));
}

export interface DecodeOptions {
  /**
   * The stack columns (sampleLocStart, sampleLocs, values) in shared memory, so that another
   * thread can be given them without a copy (the app's worker builds a flame trie on a helper).
   */
  sharedStacks?: boolean;
}

export function decodePprof(input: Uint8Array, options: DecodeOptions = {}): Profile {
  return withFormatErrors(() => {
    const parts = decodeProfileParts(unwrapNonEmpty(input));
    return withSamples(parts.skeleton, decodeSamples(parts.samples, options.sharedStacks === true));
  });
}

/** A profile's sample columns (decodeSamples, or blocks decoded by several threads). */
type SampleColumns = Pick<Profile, 'sampleCount' | 'sampleLocStart' | 'sampleLocs' | 'values' | 'sampleLabelStart' | 'labelKey' | 'labelStr' | 'labelNum' | 'labelNumUnit'>;

/**
 * The skeleton with its sample columns, made at one place however they were decoded, so that a
 * profile decoded on one thread and one decoded in blocks have the same shape (V8's map): the
 * loops the warm-up optimised on the first shape then run as they are on the second.
 */
function withSamples(skeleton: Profile, c: SampleColumns): Profile {
  return {
    ...skeleton,
    sampleCount: c.sampleCount,
    sampleLocStart: c.sampleLocStart,
    sampleLocs: c.sampleLocs,
    values: c.values,
    sampleLabelStart: c.sampleLabelStart,
    labelKey: c.labelKey,
    labelStr: c.labelStr,
    labelNum: c.labelNum,
    labelNumUnit: c.labelNumUnit,
  };
}

/**
 * A profile whose samples are read one at a time and not kept: what import needs (totals,
 * per-function figures, the default top table) without the sample columns, which for a
 * profile of millions of deep stacks are most of its decoded size. The same checks as
 * decodePprof, made as the samples are visited.
 */
export interface PprofScan {
  /** The profile without its samples (sampleCount 0, empty sample columns). */
  skeleton: Profile;
  sampleCount: number;
  /** Where the samples are and what reading them needs: plain arrays another thread can be given. */
  table: SampleTable;
  /**
   * Calls `visit` for every sample in order: its location indices (leaf first) in
   * locs[0..nLocs), its values (one per sample type) and its label keys (string indices) in
   * labelKeys[0..nLabels). The arrays are reused from one sample to the next. Returns how many
   * location ids and labels the samples visited hold.
   */
  forEachSample(visit: (s: number, locs: Uint32Array, nLocs: number, values: Float64Array, labelKeys: Int32Array, nLabels: number) => void, options?: ScanOptions): SampleCounts;
}

export interface ScanOptions {
  /** false: labels are not read (a later walk: the first one checked them). */
  labels?: boolean;
  /** Only the samples it selects are visited (a later walk: the first one checked them all). */
  only?: (s: number) => boolean;
  /** Only samples from..to-1 (a part of a walk shared between threads). */
  from?: number;
  to?: number;
}

export interface SampleCounts {
  locations: number;
  labels: number;
}

/** The samples of a decoded skeleton: their byte ranges in `bytes` and how their ids resolve. */
export interface SampleTable {
  bytes: Uint8Array;
  sStart: Uint32Array;
  sEnd: Uint32Array;
  nTypes: number;
  /** Location index by id for small ids (-1: none), and the other ids. */
  denseIds: Int32Array;
  sparseIds: [Uint64Key, number][];
  stringCount: number;
  /** The most bytes one sample takes (what its decoder's arrays are sized for). */
  widest: number;
}

export function scanPprof(input: Uint8Array): PprofScan {
  const parts = withFormatErrors(() => decodeProfileParts(unwrapNonEmpty(input)));
  return scanOf(parts.skeleton, parts.samples);
}

/** A scan of samples another thread located (scanPprof's table), over its skeleton. */
export function scanSampleTable(skeleton: Profile, table: SampleTable): PprofScan {
  return scanOf(skeleton, spansOf(table), table.widest);
}

function spansOf(table: SampleTable): SampleSpans {
  return {
    r: protobuf.Reader.create(table.bytes),
    sStart: table.sStart,
    sEnd: table.sEnd,
    nTypes: table.nTypes,
    locationIds: IdIndex.of(table.denseIds, table.sparseIds),
    strIndex: stringIndexCheck(table.stringCount),
    stringCount: table.stringCount,
  };
}

/**
 * A located profile's sample columns, in shared memory, decoded in blocks of SAMPLE_BLOCK samples
 * that threads claim in turn (decodeClaimedBlocks): each block's locations and labels have their
 * place from a count made first, so blocks fill the columns in any order.
 */
export interface SampleBlocks extends Pick<Profile, 'sampleLocStart' | 'sampleLocs' | 'values' | 'sampleLabelStart' | 'labelKey' | 'labelStr' | 'labelNum' | 'labelNumUnit'> {
  /** Per block, where its locations and labels start; the last entry holds the totals. */
  locBase: Uint32Array;
  labelBase: Uint32Array;
}

export const SAMPLE_BLOCK = 1 << 15;

/**
 * Per block of a located profile's samples, its location ids and labels (counts[2b], counts[2b+1]),
 * counted by the threads that claim it (countClaimedBlocks); the last two entries are the next
 * block to claim and how many are counted. Shared memory.
 */
export function blockCountsOf(table: SampleTable): Uint32Array {
  return sharedUint32(2 * Math.ceil(table.sStart.length / SAMPLE_BLOCK) + 2);
}

/**
 * One thread's part of counting a located profile's blocks: blocks claimed in turn until none is
 * left (with `keys`, each sample keyed too). Answers whether every block is counted (by this thread or another that has finished its
 * block). Malformed input throws (no thread claims a block after).
 */
export function countClaimedBlocks(table: SampleTable, counts: Uint32Array, keys?: RecordKeys): boolean {
  const { sStart, sEnd } = table;
  const n = sStart.length;
  const nBlocks = (counts.length - 2) >> 1;
  const next = counts.length - 2;
  const tails = keys ? RecordTails.of(table, keys.depth) : null;
  for (let b = Atomics.add(counts, next, 1); b < nBlocks; b = Atomics.add(counts, next, 1)) {
    const to = Math.min(n, (b + 1) * SAMPLE_BLOCK);
    let c: SampleCounts;
    try {
      c = tails && keys ? keyBlock(tails, keys, b * SAMPLE_BLOCK, to) : countSampleFields(table.bytes, sStart.subarray(b * SAMPLE_BLOCK, to), sEnd.subarray(b * SAMPLE_BLOCK, to));
    } catch (err) {
      Atomics.store(counts, next, nBlocks);
      throw err;
    }
    counts[2 * b] = c.locations;
    counts[2 * b + 1] = c.labels;
    Atomics.add(counts, next + 1, 1);
  }
  return Atomics.load(counts, next + 1) === nBlocks;
}

/**
 * A count of a located profile's records that also keys each one for the order its samples are
 * to be decoded in (the app's import of a big profile decodes them in its flame trie's order:
 * stack-order.ts recordKeyPlan, reorderedTable). Per sample, in shared memory: its key and its facts.
 */
export interface RecordKeys {
  key: Uint32Array;
  /**
   * Four per sample: its byte range's start and end, and its location ids and labels counted
   * (side by side, so that reorderedTable reads a sample's in one go: it reads them in key order).
   */
  facts: Uint32Array;
  /** How many locations from a stack's root end its key reads. */
  depth: number;
  /** The key of a stack of `depth` locations from its root end root[0..) (at most RecordKeys.depth of them). */
  keyOf(root: Int32Array, depth: number): number;
}

/** Samples [from, to) counted and keyed (countClaimedBlocks with RecordKeys); their counts in all. */
function keyBlock(tails: RecordTails, keys: RecordKeys, from: number, to: number): SampleCounts {
  let locations = 0;
  let labels = 0;
  const root = new Int32Array(keys.depth);
  const { facts } = keys;
  const { sStart, sEnd } = tails;
  for (let s = from; s < to; s++) {
    tails.read(s);
    keys.key[s] = keys.keyOf(root, tails.root(root));
    facts[4 * s] = sStart[s];
    facts[4 * s + 1] = sEnd[s];
    facts[4 * s + 2] = tails.locations;
    facts[4 * s + 3] = tails.labels;
    locations += tails.locations;
    labels += tails.labels;
  }
  return { locations, labels };
}

/**
 * The records of a located profile read for their order before they are decoded: a record's
 * location ids and labels counted (as countSampleFields counts them), and its last `depth`
 * location ids (the root end of its stack) kept as location indices. Ids no location has are kept
 * as 0: the order only groups samples, and their decode reports them.
 */
export class RecordTails {
  /** The last record read's location ids and labels. */
  locations = 0;
  labels = 0;
  /** The last location indices of the record read: a ring of a power of two entries (mask), `depth` of them looked at. */
  private readonly tail: Int32Array;
  private readonly mask: number;
  /** Location ids kept into `tail` for the last record. */
  private kept = 0;

  /** `ids`: how location ids resolve (with `depth` 0, none is kept: the records are only counted). */
  constructor(
    private readonly buf: Uint8Array,
    readonly sStart: Uint32Array,
    readonly sEnd: Uint32Array,
    private readonly ids: IdIndex | null,
    private readonly depth: number,
  ) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(1, depth)));
    this.tail = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The records of a located profile's table, keeping the last `depth` location ids of each. */
  static of(table: SampleTable, depth: number): RecordTails {
    return new RecordTails(table.bytes, table.sStart, table.sEnd, IdIndex.of(table.denseIds, table.sparseIds), depth);
  }

  /** Reads record s (malformed input reads as something: its decode reports it). */
  read(s: number): void {
    const { buf } = this;
    let p = this.sStart[s];
    const end = this.sEnd[s];
    let locations = 0;
    let labels = 0;
    this.kept = 0;
    while (p < end) {
      // One-byte tags and lengths (every field gpw's samples hold, as Go writes them) in place, as in
      // SampleDecoder.decode: calling readVarintAt for each (its module-level varintEnd written and
      // read per field) made decodePprof of the 1.6M-sample bench profile ~300 ms slower (970-990 ms vs 670-690).
      let tag = buf[p];
      if (tag < 0x80) p++;
      else {
        tag = readVarintAt(buf, p);
        p = varintEnd;
      }
      const wt = tag & 7;
      if (wt === WIRE_LEN) {
        let len = buf[p];
        if (len < 0x80) p++;
        else {
          len = readVarintAt(buf, p);
          p = varintEnd;
        }
        const field = tag >>> 3;
        // (A packed run holds as many varints as it has bytes below 0x80.)
        if (field === 1) locations += this.depth > 0 ? this.keepAll(p, Math.min(p + len, end)) : countVarints(buf, p, Math.min(p + len, end));
        else if (field === 3) labels++;
        p += len;
      } else if (wt === WIRE_VARINT) {
        const id = readVarintAt(buf, p);
        p = varintEnd;
        if (tag >>> 3 === 1) {
          locations++;
          if (this.depth > 0) this.keep(id);
        }
      } else {
        p += wt === 1 ? 8 : wt === 5 ? 4 : end;
      }
    }
    this.locations = locations;
    this.labels = labels;
  }

  /** The last record's location indices from its root end, as many as `out` holds (and it kept), into `out`; answers how many location ids it has. */
  root(out: Int32Array): number {
    const { tail, kept, mask } = this;
    const n = Math.min(out.length, kept, this.depth);
    for (let d = 0; d < n; d++) out[d] = tail[(kept - 1 - d) & mask];
    return this.locations;
  }

  /** The varints of a packed run buf[from..to) kept (the ring keeps the last ones); answers how many. */
  private keepAll(from: number, to: number): number {
    const { buf, tail, mask } = this;
    const ids = this.ids!;
    const dense = ids.dense;
    const before = this.kept;
    let kept = before;
    let q = from;
    while (q < to) {
      // One- and two-byte ids in place, as SampleDecoder.decode reads them.
      let id = buf[q];
      if (id < 0x80) q++;
      else if (buf[q + 1] < 0x80) {
        id = (id & 0x7f) | (buf[q + 1] << 7);
        q += 2;
      } else {
        id = readVarintAt(buf, q);
        q = varintEnd;
      }
      const index = id < dense.length ? dense[id] : ids.get(id);
      tail[kept++ & mask] = index < 0 ? 0 : index;
    }
    this.kept = kept;
    return kept - before;
  }

  private keep(id: number): void {
    const ids = this.ids!;
    const index = id >= 0 && id < ids.dense.length ? ids.dense[id] : ids.get(id);
    this.tail[this.kept++ & this.mask] = index < 0 ? 0 : index;
  }
}

/**
 * A located profile's table with its samples in another order (sample k is the table's
 * order[k]), and the counts of its blocks (as countClaimedBlocks leaves them) from the per-sample
 * counts of a keyed count.
 */
export function reorderedTable(table: SampleTable, order: Int32Array, keys: RecordKeys): { table: SampleTable; counts: Uint32Array } {
  const n = order.length;
  const sStart = sharedUint32(n);
  const sEnd = sharedUint32(n);
  const counts = blockCountsOf(table);
  const { facts } = keys;
  for (let k = 0; k < n; k++) {
    const f = 4 * order[k];
    sStart[k] = facts[f];
    sEnd[k] = facts[f + 1];
    const b = Math.floor(k / SAMPLE_BLOCK);
    counts[2 * b] += facts[f + 2];
    counts[2 * b + 1] += facts[f + 3];
  }
  const nBlocks = (counts.length - 2) >> 1;
  counts[counts.length - 2] = nBlocks;
  counts[counts.length - 1] = nBlocks;
  return { table: { ...table, sStart, sEnd }, counts };
}

/** The columns of a located profile's samples, from the counts of every block (decodePprof's budgets: a FormatError). */
export function sampleBlocksOfCounts(table: SampleTable, counts: Uint32Array): SampleBlocks {
  const { sStart, nTypes } = table;
  const n = sStart.length;
  const nBlocks = Math.ceil(n / SAMPLE_BLOCK);
  const locBase = sharedUint32(nBlocks + 1);
  const labelBase = sharedUint32(nBlocks + 1);
  let locations = 0;
  let labels = 0;
  for (let b = 0; b < nBlocks; b++) {
    locBase[b] = locations;
    labelBase[b] = labels;
    locations += counts[2 * b];
    labels += counts[2 * b + 1];
    checkSampleCounts({ locations, labels }, sStart[0]);
  }
  locBase[nBlocks] = locations;
  labelBase[nBlocks] = labels;
  const sharedInt32 = (k: number): Int32Array => new Int32Array(sharedUint32(k).buffer);
  return {
    sampleLocStart: sharedUint32(n + 1),
    sampleLocs: sharedUint32(locations),
    values: sharedFloat64(n * nTypes),
    sampleLabelStart: sharedUint32(n + 1),
    labelKey: sharedInt32(labels),
    labelStr: sharedInt32(labels),
    labelNum: sharedFloat64(labels),
    labelNumUnit: sharedInt32(labels),
    locBase,
    labelBase,
  };
}

/** Why a thread stopped claiming blocks: bad input in block `at` (its decoder's error), or counts the decode did not match (then the caller decodes the usual way). */
export type BlocksStop = { at: number; error: unknown } | { at: number; mismatch: true };

/**
 * One thread's part of a decode shared with others: blocks claimed from `next` (shared memory:
 * the next block's number) until none is left. Returns how many blocks it decoded, or why it
 * stopped (after which no thread claims another block).
 */
export function decodeClaimedBlocks(table: SampleTable, blocks: SampleBlocks, next: Int32Array): { decoded: number } | BlocksStop {
  const spans = spansOf(table);
  const n = table.sStart.length;
  const nBlocks = blocks.locBase.length - 1;
  let decoded = 0;
  for (let b = Atomics.add(next, 0, 1); b < nBlocks; b = Atomics.add(next, 0, 1)) {
    let matches = false;
    try {
      matches = withFormatErrors(() => decodeBlock(spans, blocks, b, Math.min(n, (b + 1) * SAMPLE_BLOCK)));
    } catch (error) {
      Atomics.store(next, 0, nBlocks);
      return { at: b, error };
    }
    if (!matches) {
      Atomics.store(next, 0, nBlocks);
      return { at: b, mismatch: true };
    }
    decoded++;
  }
  return { decoded };
}

/** Block b's samples (up to `to`) into their places; false when they hold other counts than counted. */
function decodeBlock(spans: SampleSpans, blocks: SampleBlocks, b: number, to: number): boolean {
  const { locBase, labelBase, sampleLocStart, sampleLabelStart } = blocks;
  const locFrom = locBase[b];
  const labelFrom = labelBase[b];
  const labelTo = labelBase[b + 1];
  const labels = new SampleLabels(0, {
    key: blocks.labelKey.subarray(labelFrom, labelTo),
    str: blocks.labelStr.subarray(labelFrom, labelTo),
    num: blocks.labelNum.subarray(labelFrom, labelTo),
    unit: blocks.labelNumUnit.subarray(labelFrom, labelTo),
  });
  const dec = new SampleDecoder(spans, blocks.sampleLocs.subarray(locFrom, locBase[b + 1]), labels, blocks.values);
  const { nTypes } = spans;
  for (let s = b * SAMPLE_BLOCK; s < to; s++) {
    sampleLocStart[s] = locFrom + dec.nLocs;
    sampleLabelStart[s] = labelFrom + labels.n;
    dec.decode(s, s * nTypes);
  }
  return dec.nLocs === locBase[b + 1] - locFrom && labels.n === labelTo - labelFrom;
}

/** The profile of a skeleton and its samples decoded in blocks (every block decoded). */
export function profileOfBlocks(skeleton: Profile, blocks: SampleBlocks): Profile {
  const { locBase, labelBase } = blocks;
  const n = blocks.sampleLocStart.length - 1;
  blocks.sampleLocStart[n] = locBase[locBase.length - 1];
  blocks.sampleLabelStart[n] = labelBase[labelBase.length - 1];
  return withSamples(skeleton, { ...blocks, sampleCount: n });
}

/** The budgets of decodePprof, for location ids and labels counted over all samples. */
export function checkSampleCounts(counts: SampleCounts, at: number): void {
  if (counts.locations > MAX_SAMPLE_LOCATIONS) throw tooManyEntries(at, `${MAX_SAMPLE_LOCATIONS.toLocaleString('en')} location ids in its samples`);
  if (counts.labels > MAX_DECODED_ENTRIES) throw tooManyEntries(at, `${MAX_DECODED_ENTRIES.toLocaleString('en')} sample labels`);
}

/** `widest`: the most bytes a sample takes, when known (a table another thread made). */
function scanOf(skeleton: Profile, spans: SampleSpans, widest = -1): PprofScan {
  const { sStart, sEnd } = spans;
  if (widest < 0) {
    widest = 0;
    for (let s = 0; s < sStart.length; s++) widest = Math.max(widest, sEnd[s] - sStart[s]);
  }
  return {
    skeleton,
    sampleCount: sStart.length,
    table: {
      bytes: spans.r.buf,
      sStart,
      sEnd,
      nTypes: spans.nTypes,
      denseIds: spans.locationIds.dense,
      sparseIds: spans.locationIds.sparseEntries(),
      stringCount: spans.stringCount,
      widest,
    },
    forEachSample(visit, options) {
      // One sample's location ids and labels each take at least a byte (two for a label).
      const dec = new SampleDecoder(spans, new Uint32Array(widest), new SampleLabels(widest >> 1), new Float64Array(spans.nTypes));
      // A later walk that needs no labels skips them (the first one checked them).
      dec.skipLabels = options?.labels === false;
      return withFormatErrors(() => {
        // The decoder's budgets hold here too: a profile imports only if its views can decode it.
        const counts = { locations: 0, labels: 0 };
        const only = options?.only;
        const to = Math.min(options?.to ?? sStart.length, sStart.length);
        for (let s = options?.from ?? 0; s < to; s++) {
          if (only && !only(s)) continue;
          dec.nLocs = 0;
          dec.labels.n = 0;
          dec.decode(s, 0);
          counts.locations += dec.nLocs;
          counts.labels += dec.labels.n;
          if (counts.locations > MAX_SAMPLE_LOCATIONS || counts.labels > MAX_DECODED_ENTRIES) checkSampleCounts(counts, sStart[0]);
          visit(s, dec.locs, dec.nLocs, dec.values, dec.labels.key, dec.labels.n);
        }
        return counts;
      });
    },
  };
}

function unwrapNonEmpty(input: Uint8Array): Uint8Array {
  if (input.length === 0) throw new FormatError('the file is empty');
  const bytes = unwrapPprofBytes(input);
  if (bytes.length === 0) throw new FormatError('the profile is empty after decompression');
  return bytes;
}

/** Errors of the protobuf reader (reads past the end) as FormatErrors. */
function withFormatErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof FormatError) throw err;
    if (err instanceof RangeError || err instanceof Error) {
      throw new FormatError(`corrupt or truncated protobuf data (${err.message})`);
    }
    throw err;
  }
}

/** Where the samples are (byte ranges) and what decoding them needs. */
interface SampleSpans {
  r: Reader;
  sStart: Uint32Array;
  sEnd: Uint32Array;
  nTypes: number;
  locationIds: IdIndex;
  strIndex: StringIndexCheck;
  /** Strings in the table: an index below it is valid. */
  stringCount: number;
}

type ProfileParts = { skeleton: Profile; samples: SampleSpans };

/** Everything but the samples, decoded; the samples located. */
function decodeProfileParts(bytes: Uint8Array): ProfileParts {
  return locateParts(bytes).next().value as ProfileParts;
}

/**
 * A profile's data located (and its skeleton decoded) while another thread still gunzips it into
 * `data` (workers/read-ahead.ts): add() takes the entries whose bytes have all arrived, finish()
 * the rest once every byte is there. The same reading as scanPprof's, entry by entry, so the
 * same scan; data it cannot read (bad, or not a profile's) is left to scanPprof, which says why.
 */
export class LocateAhead {
  private readonly arrived = { upTo: 0, all: false };
  private readonly parts: Generator<void, ProfileParts>;
  private failed = false;

  constructor(private readonly data: Uint8Array) {
    this.parts = locateParts(data, this.arrived);
  }

  /** The first `upTo` bytes have arrived. */
  add(upTo: number): void {
    if (this.failed) return;
    this.arrived.upTo = upTo;
    try {
      this.parts.next();
    } catch {
      this.failed = true;
    }
  }

  /** The scan of the data once its `length` bytes have arrived; undefined when scanPprof must read it. */
  finish(length: number): PprofScan | undefined {
    // Empty or gzipped again: scanPprof unwraps or refuses it.
    if (this.failed || length < 2 || isGzip(this.data)) return undefined;
    this.arrived.upTo = length;
    this.arrived.all = true;
    try {
      const last = this.parts.next();
      // The samples' reader ends where the data does, as scanPprof's.
      return last.done ? scanOf(last.value.skeleton, { ...last.value.samples, r: protobuf.Reader.create(this.data.subarray(0, length)) }) : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The end of the top-level entry at `pos` when its bytes are all below `upTo`, else -1 (also for
 * the rare kinds of entries left to the last step: groups).
 */
function entryEndAt(buf: Uint8Array, pos: number, upTo: number): number {
  let p = pos;
  let tag = 0;
  for (let shift = 0; ; shift += 7) {
    if (p >= upTo || shift > 28) return -1;
    const b = buf[p++];
    tag |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  switch (tag & 7) {
    case WIRE_VARINT:
      for (let i = 0; i < 10; i++) if (p >= upTo) return -1; else if (buf[p++] < 0x80) return p;
      return -1;
    case WIRE_LEN: {
      let len = 0;
      for (let shift = 0; ; shift += 7) {
        if (p >= upTo || shift > 28) return -1;
        const b = buf[p++];
        len += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
      }
      return p + len <= upTo ? p + len : -1;
    }
    case 1:
      return p + 8 <= upTo ? p + 8 : -1;
    case 5:
      return p + 4 <= upTo ? p + 4 : -1;
    default:
      return -1;
  }
}

/**
 * The run of samples (field 2, length-delimited, lengths of up to four bytes) from `pos`, each
 * located (its byte range pushed) and counted as an entry; where the run ends: at another entry,
 * at a sample whose length takes more bytes (left to readRange), or, when `arriving`, at a sample
 * not all below `len` (the data still arrives: LocateAhead). A plain function, not part of the
 * generator that calls it, so that V8 optimises its loop as it runs (in a generator it ran about
 * twice as slow in a new process).
 */
function locateSamples(buf: Uint8Array, pos: number, len: number, samples: Range, counted: { entries: number }, arriving: boolean): number {
  let p = pos;
  let entries = counted.entries;
  try {
    while (p < len && buf[p] === 0x12) {
      const at = p + 1;
      // A sample's length in place when it takes one byte (most), else as the varint reader reads it.
      let n = at < len ? buf[at] : 0x80;
      let from = at + 1;
      if (n >= 0x80) {
        n = readVarintAt(buf, at);
        from = varintEnd;
        if (from - at > 4) break;
      }
      const end = from + n;
      if (arriving && (from > len || end > len)) break;
      if (++entries > MAX_DECODED_ENTRIES) throw tooManyEntries(p);
      if (end > len) throw new RangeError('length exceeds buffer');
      samples.start.push(from);
      samples.end.push(end);
      p = end;
    }
  } finally {
    counted.entries = entries;
  }
  return p;
}

/**
 * decodeProfileParts, as a generator: with `arrived`, the data arrives while it is read (LocateAhead),
 * and the loop over the top-level entries pauses (yields) at an entry whose bytes are not all there.
 */
function* locateParts(bytes: Uint8Array, arrived?: { upTo: number; all: boolean }): Generator<void, ProfileParts> {
  const r = protobuf.Reader.create(bytes);
  const sampleTypeRanges = newRange();
  // Every top-level entry takes at least two bytes, and there are at most MAX_DECODED_ENTRIES.
  const maxSamples = Math.min(MAX_DECODED_ENTRIES, bytes.length >>> 1);
  const samples: Range = { start: new SharedColumn(maxSamples), end: new SharedColumn(maxSamples) };
  const mappingsR = newRange();
  const locations = newRange();
  const functions = newRange();
  const strings: string[] = [];
  const comments: number[] = [];
  let dropFrames = 0;
  let keepFrames = 0;
  let timeNanos = 0;
  let durationNanos = 0;
  let periodTypeRange: [number, number] | null = null;
  let period = 0;
  let defaultSampleType = 0;
  let entries = 0;
  const counted = { entries };

  const buf = r.buf;
  for (;;) {
    if (arrived) {
      // Bytes past those that arrived are not the data's: the reader ends at the last that did.
      r.len = arrived.upTo;
      if (!arrived.all && entryEndAt(buf, r.pos, r.len) < 0) {
        yield;
        continue;
      }
    }
    if (r.pos >= r.len) break;
    if (buf[r.pos] === 0x12) {
      // Samples: most entries of a big profile, located in place, a run at a time.
      counted.entries = entries;
      const end = locateSamples(buf, r.pos, r.len, samples, counted, arrived?.all === false);
      entries = counted.entries;
      if (end > r.pos) {
        r.pos = end;
        continue;
      }
    }
    // One count for every top-level entry, before the ranges and strings that hold them grow.
    if (++entries > MAX_DECODED_ENTRIES) throw tooManyEntries(r.pos);
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    switch (field) {
      case 1: expectWire(wt, WIRE_LEN, 'sample_type', r); readRange(r, sampleTypeRanges); break;
      case 2: expectWire(wt, WIRE_LEN, 'sample', r); readRange(r, samples); break;
      case 3: expectWire(wt, WIRE_LEN, 'mapping', r); readRange(r, mappingsR); break;
      case 4: expectWire(wt, WIRE_LEN, 'location', r); readRange(r, locations); break;
      case 5: expectWire(wt, WIRE_LEN, 'function', r); readRange(r, functions); break;
      case 6: expectWire(wt, WIRE_LEN, 'string_table', r); strings.push(r.string()); break;
      case 7: expectWire(wt, WIRE_VARINT, 'drop_frames', r); dropFrames = readVarint(r); break;
      case 8: expectWire(wt, WIRE_VARINT, 'keep_frames', r); keepFrames = readVarint(r); break;
      case 9: expectWire(wt, WIRE_VARINT, 'time_nanos', r); timeNanos = readVarint(r); break;
      case 10: expectWire(wt, WIRE_VARINT, 'duration_nanos', r); durationNanos = readVarint(r); break;
      case 11: {
        expectWire(wt, WIRE_LEN, 'period_type', r);
        const end = nestedEnd(r, r.len, 'period_type');
        periodTypeRange = [r.pos, end];
        r.pos = end;
        break;
      }
      case 12: expectWire(wt, WIRE_VARINT, 'period', r); period = readVarint(r); break;
      case 13: readRepeated(r, wt, (v) => comments.push(v)); break;
      case 14: expectWire(wt, WIRE_VARINT, 'default_sample_type', r); defaultSampleType = readVarint(r); break;
      default:
        if (field === 0) throw new FormatError(`not a pprof profile: invalid protobuf field 0 at byte ${r.pos}`, r.pos);
        r.skipType(wt);
    }
  }

  if (strings.length === 0 && samples.start.length + locations.start.length + functions.start.length > 0) {
    // Go writes the string table after the samples, locations and functions: a cut file loses it.
    throw new FormatError(`truncated or corrupt profile: it has ${samples.start.length} samples, ${locations.start.length} locations and ${functions.start.length} functions but no string table (the end of the file is missing?)`);
  }
  if (strings.length === 0 || strings[0] !== '') {
    throw new FormatError('not a pprof profile: the string table is missing or does not start with ""');
  }
  const strIndex = stringIndexCheck(strings.length);
  const str = (i: number, what: string): string => strings[strIndex(i, what)];

  const readValueType = (start: number, end: number): ValueType => {
    r.pos = start;
    let type = 0;
    let unit = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) type = readVarint(r);
      else if (tag >>> 3 === 2) unit = readVarint(r);
      else r.skipType(tag & 7);
    }
    return { type: str(type, 'a sample type'), unit: str(unit, 'a sample unit') };
  };

  const stStart = sampleTypeRanges.start.finish();
  const stEnd = sampleTypeRanges.end.finish();
  const sampleTypes: ValueType[] = [];
  for (let i = 0; i < stStart.length; i++) sampleTypes.push(readValueType(stStart[i], stEnd[i]));
  if (sampleTypes.length === 0) throw new FormatError('not a pprof profile: it declares no sample types');
  const periodType = periodTypeRange ? readValueType(periodTypeRange[0], periodTypeRange[1]) : null;

  // Functions
  const fStart = functions.start.finish();
  const fEnd = functions.end.finish();
  const nFunc = fStart.length;
  const functionName = new Int32Array(nFunc);
  const functionSystemName = new Int32Array(nFunc);
  const functionFile = new Int32Array(nFunc);
  const functionStartLine = new Float64Array(nFunc);
  const functionIds = new IdIndex(nFunc);
  for (let i = 0; i < nFunc; i++) {
    r.pos = fStart[i];
    let id: Uint64Key = 0;
    while (r.pos < fEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: id = readUint64Key(r); break;
        case 2: functionName[i] = strIndex(readVarint(r), 'a function name'); break;
        case 3: functionSystemName[i] = strIndex(readVarint(r), 'a function system name'); break;
        case 4: functionFile[i] = strIndex(readVarint(r), 'a function file name'); break;
        case 5: functionStartLine[i] = readVarint(r); break;
        default: r.skipType(tag & 7);
      }
    }
    functionIds.add(id, i, 'function');
  }

  // Mappings
  const mStart = mappingsR.start.finish();
  const mEnd = mappingsR.end.finish();
  const mappings: ProfileMapping[] = [];
  const mappingIds = new IdIndex(mStart.length);
  for (let i = 0; i < mStart.length; i++) {
    r.pos = mStart[i];
    const m: ProfileMapping = { id: 0, memoryStart: 0, memoryLimit: 0, fileOffset: 0, file: '', buildId: '', hasFunctions: false };
    let mappingId: Uint64Key = 0;
    while (r.pos < mEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: mappingId = readUint64Key(r); break;
        case 2: m.memoryStart = readVarint(r); break;
        case 3: m.memoryLimit = readVarint(r); break;
        case 4: m.fileOffset = readVarint(r); break;
        case 5: m.file = str(readVarint(r), 'a mapping file name'); break;
        case 6: m.buildId = str(readVarint(r), 'a mapping build id'); break;
        case 7: m.hasFunctions = r.bool(); break;
        default: r.skipType(tag & 7);
      }
    }
    m.id = Number(mappingId);
    mappingIds.add(mappingId, i, 'mapping');
    mappings.push(m);
  }

  // Locations and their lines
  const locs = decodeLocations(r, locations.start.finish(), locations.end.finish(), mappingIds, functionIds);

  const nTypes = sampleTypes.length;
  // Views, not copies: a profile of millions of samples has megabytes of them.
  const sampleSpans: SampleSpans = { r, sStart: samples.start.view(), sEnd: samples.end.view(), nTypes, locationIds: locs.locationIds, strIndex, stringCount: strings.length };
  // Every sample holds one value per type, each at least a byte: more than the bytes can hold is corrupt.
  if (sampleSpans.sStart.length * nTypes > r.len) {
    throw new FormatError(`corrupt profile: ${sampleSpans.sStart.length} samples × ${nTypes} sample types need more values than its ${r.len} bytes can hold`);
  }

  const defaultName = defaultSampleType ? str(defaultSampleType, 'default_sample_type') : '';
  const skeleton: Profile = {
    sampleTypes,
    defaultSampleType: sampleTypes.some((t) => t.type === defaultName) ? defaultName : sampleTypes[nTypes - 1].type,
    periodType,
    period,
    timeNanos,
    durationNanos,
    comments: comments.map((c) => str(c, 'a comment')),
    dropFrames: str(dropFrames, 'drop_frames'),
    keepFrames: str(keepFrames, 'keep_frames'),
    strings,
    functionName,
    functionSystemName,
    functionFile,
    functionStartLine,
    mappings,
    locAddress: locs.locAddress,
    locMapping: locs.locMapping,
    locLineStart: locs.locLineStart,
    lineFunction: locs.lineFunction,
    lineNumber: locs.lineNumber,
    sampleCount: 0,
    sampleLocStart: new Uint32Array(1),
    sampleLocs: new Uint32Array(0),
    values: new Float64Array(0),
    sampleLabelStart: new Uint32Array(1),
    labelKey: new Int32Array(0),
    labelStr: new Int32Array(0),
    labelNum: new Float64Array(0),
    labelNumUnit: new Int32Array(0),
  };
  return { skeleton, samples: sampleSpans };
}

type StringIndexCheck = (i: number, what: string) => number;

/** An index into a string table of `count` strings, checked. */
function stringIndexCheck(count: number): StringIndexCheck {
  return (i, what) => {
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new FormatError(`corrupt profile: ${what} refers to string ${i}, but the table has ${count}`);
    }
    return i;
  };
}

/** Locations (address, mapping, lines) in file order, and the map from their ids. */
function decodeLocations(r: Reader, lStart: Uint32Array, lEnd: Uint32Array, mappingIds: IdIndex, functionIds: IdIndex) {
  const nLoc = lStart.length;
  const locAddress = new Float64Array(nLoc);
  const locMapping = new Int32Array(nLoc).fill(-1);
  const locLineStart = new Uint32Array(nLoc + 1);
  // A line takes at least two bytes (tag and length), so the locations' size bounds their count.
  let locBytes = 0;
  for (let i = 0; i < nLoc; i++) locBytes += lEnd[i] - lStart[i];
  const maxLines = Math.min(locBytes >> 1, MAX_LOCATION_LINES);
  const lineFunction = new Int32Array(maxLines);
  const lineNumber = new Float64Array(maxLines);
  let nLines = 0;
  const locationIds = new IdIndex(nLoc);
  for (let i = 0; i < nLoc; i++) {
    r.pos = lStart[i];
    locLineStart[i] = nLines;
    let id: Uint64Key = 0;
    while (r.pos < lEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: id = readUint64Key(r); break;
        case 2: {
          const mid = readUint64Key(r);
          if (mid !== 0) locMapping[i] = mappingIds.require(mid, 'a location', 'mapping');
          break;
        }
        case 3: locAddress[i] = readVarint(r); break;
        case 4: {
          const end = nestedEnd(r, lEnd[i], 'a location line');
          let fid: Uint64Key = 0;
          let line = 0;
          while (r.pos < end) {
            const t = r.uint32();
            if (t >>> 3 === 1) fid = readUint64Key(r);
            else if (t >>> 3 === 2) line = readVarint(r);
            else r.skipType(t & 7);
          }
          if (nLines === maxLines) throw tooManyEntries(r.pos, `${MAX_LOCATION_LINES.toLocaleString('en')} location lines`);
          lineFunction[nLines] = fid === 0 ? -1 : functionIds.require(fid, 'a location line', 'function');
          lineNumber[nLines++] = line;
          break;
        }
        default: r.skipType(tag & 7);
      }
    }
    locationIds.add(id, i, 'location');
  }
  locLineStart[nLoc] = nLines;

  return { locationIds, locAddress, locMapping, locLineStart, lineFunction: lineFunction.slice(0, nLines), lineNumber: lineNumber.slice(0, nLines) };
}

/** Samples as columns: location runs, values (sample × type) and labels. */
function decodeSamples(spans: SampleSpans, shared: boolean) {
  const { sStart, sEnd, nTypes } = spans;
  const nSamples = sStart.length;
  const values = shared ? sharedFloat64(nSamples * nTypes) : new Float64Array(nSamples * nTypes);
  const sampleLocStart = shared ? sharedUint32(nSamples + 1) : new Uint32Array(nSamples + 1);
  const counts = countSampleFields(spans.r.buf, sStart, sEnd);
  if (counts.locations > MAX_SAMPLE_LOCATIONS) throw tooManyEntries(sStart[0], `${MAX_SAMPLE_LOCATIONS.toLocaleString('en')} location ids in its samples`);
  if (counts.labels > MAX_DECODED_ENTRIES) throw tooManyEntries(sStart[0], `${MAX_DECODED_ENTRIES.toLocaleString('en')} sample labels`);
  const sampleLabelStart = new Uint32Array(nSamples + 1);
  const locs = shared ? sharedUint32(counts.locations) : new Uint32Array(counts.locations);
  const dec = new SampleDecoder(spans, locs, new SampleLabels(counts.labels), values);
  for (let s = 0; s < nSamples; s++) {
    sampleLocStart[s] = dec.nLocs;
    sampleLabelStart[s] = dec.labels.n;
    dec.decode(s, s * nTypes);
  }
  sampleLocStart[nSamples] = dec.nLocs;
  const { labels } = dec;
  sampleLabelStart[nSamples] = labels.n;

  return {
    sampleCount: nSamples,
    sampleLocStart,
    sampleLocs: exactly(dec.locs, dec.nLocs),
    values,
    sampleLabelStart,
    labelKey: exactly(labels.key, labels.n),
    labelStr: exactly(labels.str, labels.n),
    labelNum: exactly(labels.num, labels.n),
    labelNumUnit: exactly(labels.unit, labels.n),
  };
}

/** Label columns with room for `size` labels (or the ones given); `n` used. */
class SampleLabels {
  n = 0;
  readonly key: Int32Array;
  readonly str: Int32Array;
  readonly num: Float64Array;
  readonly unit: Int32Array;
  constructor(size: number, given?: { key: Int32Array; str: Int32Array; num: Float64Array; unit: Int32Array }) {
    this.key = given?.key ?? new Int32Array(size);
    this.str = given?.str ?? new Int32Array(size);
    this.num = given?.num ?? new Float64Array(size);
    this.unit = given?.unit ?? new Int32Array(size);
  }
}

/**
 * Decodes one sample at a time, appending its location indices to `locs` (from `nLocs`) and
 * its labels to `labels`, and writing its values to `values` from a given base: into whole
 * columns (decodePprof) or into arrays reused for every sample (scanPprof).
 */
class SampleDecoder {
  nLocs = 0;
  skipLabels = false;

  constructor(
    private readonly spans: SampleSpans,
    readonly locs: Uint32Array,
    readonly labels: SampleLabels,
    readonly values: Float64Array,
  ) {}

  decode(s: number, base: number): void {
    const { r, sStart, sEnd, nTypes, locationIds } = this.spans;
    const { locs, values } = this;
    const buf = r.buf;
    const denseIds = locationIds.dense;
    const end = sEnd[s];
    let nLocs = this.nLocs;
    let nValues = 0;
    // Straight from the buffer (no Reader call per field): this loop runs for every sample.
    let p = sStart[s];
    // One- and two-byte varints (tags, lengths, location ids) are read in place.
    while (p < end) {
      const tagAt = p;
      let tag = buf[p];
      if (tag < 0x80) p++;
      else {
        tag = readVarintAt(buf, p);
        p = varintEnd;
      }
      const field = tag >>> 3;
      const wt = tag & 7;
      let from = p;
      let fieldEnd: number;
      if (wt === WIRE_LEN) {
        let len = buf[p];
        if (len < 0x80) from = p + 1;
        else {
          len = readVarintAt(buf, p);
          from = varintEnd;
        }
        fieldEnd = from + len;
        if (len < 0 || fieldEnd > end) throw new FormatError(`corrupt profile: ${field === 3 ? 'a sample label' : 'a sample field'} at byte ${p} runs past the message that holds it`, p);
      } else if (wt === WIRE_VARINT) {
        readVarintAt(buf, p);
        fieldEnd = varintEnd;
      } else if (field === 1 || field === 2) {
        throw new FormatError(`corrupt profile: a sample field has wire type ${wt} at byte ${p}`, p);
      } else {
        r.pos = p;
        r.skipType(wt);
        p = r.pos;
        continue;
      }
      if (field === 1) {
        // location_id: packed (as Go writes it) or one per field.
        let q = from;
        while (q < fieldEnd) {
          const at = q;
          let id = buf[q];
          if (id < 0x80) q++;
          else if (buf[q + 1] < 0x80) {
            id = (id & 0x7f) | (buf[q + 1] << 7);
            q += 2;
          } else {
            id = readVarintAt(buf, q);
            q = varintEnd;
          }
          // Small ids index a dense table; ids beyond 2^53 (or with the top bit set) are rare
          // but valid, and are looked up exactly.
          let index = id >= 0 && id < denseIds.length ? denseIds[id] : -1;
          if (index < 0) index = locationIds.require(id >= 0 && id <= Number.MAX_SAFE_INTEGER ? id : readUint64KeyAt(buf, at), 'a sample', 'location');
          if (nLocs === locs.length) throw new FormatError(`corrupt profile: sample ${s} has malformed location ids`);
          locs[nLocs++] = index;
        }
        if (q !== fieldEnd) throw new RangeError('location ids run past their field');
      } else if (field === 2) {
        let q = from;
        while (q < fieldEnd) {
          // Values up to 2^21 (counts, most sizes) in place.
          let v = buf[q];
          if (v < 0x80) q++;
          else if (buf[q + 1] < 0x80) {
            v = (v & 0x7f) | (buf[q + 1] << 7);
            q += 2;
          } else if (buf[q + 2] < 0x80) {
            v = (v & 0x7f) | ((buf[q + 1] & 0x7f) << 7) | (buf[q + 2] << 14);
            q += 3;
          } else {
            v = readVarintAt(buf, q);
            q = varintEnd;
          }
          if (nValues < nTypes) values[base + nValues] = v;
          nValues++;
        }
        if (q !== fieldEnd) throw new RangeError('values run past their field');
      } else if (field === 3 && wt === WIRE_LEN && !this.skipLabels) {
        this.label(s, from, fieldEnd);
      } else if (field === 0) {
        throw new FormatError(`corrupt profile: invalid protobuf field 0 in sample ${s} at byte ${tagAt}`, tagAt);
      }
      p = fieldEnd;
    }
    if (p !== end) throw new RangeError('sample fields run past their message');
    this.nLocs = nLocs;
    if (nValues !== nTypes) {
      throw new FormatError(`corrupt profile: sample ${s} has ${nValues} values but the profile has ${nTypes} sample types`);
    }
  }

  private label(s: number, from: number, end: number): void {
    const { r, strIndex, stringCount } = this.spans;
    const buf = r.buf;
    const labels = this.labels;
    let key = 0, sv = 0, num = 0, unit = 0;
    // Straight from the buffer, as decode(): a profile with labels has millions of them.
    let p = from;
    while (p < end) {
      // One-byte tags and one- or two-byte values (string indices of small tables, numbers such as
      // sizes up to 16 KiB) in place, as decode() does.
      let t = buf[p];
      if (t < 0x80) p++;
      else {
        t = readVarintAt(buf, p);
        p = varintEnd;
      }
      const field = t >>> 3;
      if (field >= 1 && field <= 4) {
        let v = buf[p];
        if (v < 0x80) p++;
        else if (buf[p + 1] < 0x80) {
          v = (v & 0x7f) | (buf[p + 1] << 7);
          p += 2;
        } else {
          v = readVarintAt(buf, p);
          if (varintEnd > buf.length) throw new RangeError('varint runs past the end of the data');
          p = varintEnd;
        }
        if (field === 1) key = v;
        else if (field === 2) sv = v;
        else if (field === 3) num = v;
        else unit = v;
      } else {
        if (p > buf.length) throw new RangeError('varint runs past the end of the data');
        r.pos = p;
        r.skipType(t & 7);
        p = r.pos;
      }
    }
    const n = labels.n;
    if (n === labels.key.length) throw new FormatError(`corrupt profile: sample ${s} has malformed labels`);
    // Index checks inline; the checker only to word the error.
    labels.key[n] = key >= 0 && key < stringCount ? key : strIndex(key, 'a label key');
    labels.str[n] = sv >= 0 && sv < stringCount ? sv : strIndex(sv, 'a label value');
    labels.num[n] = num;
    labels.unit[n] = unit >= 0 && unit < stringCount ? unit : strIndex(unit, 'a label unit');
    labels.n = n + 1;
  }
}

/**
 * Location ids and labels in all samples, counted by a quick scan of the field tags (a packed
 * run holds as many varints as it has bytes below 0x80), so the columns are allocated once at
 * their exact size. Malformed input only makes the counts wrong; the decoder then reports it.
 */
function countSampleFields(buf: Uint8Array, sStart: Uint32Array, sEnd: Uint32Array): { locations: number; labels: number } {
  const records = new RecordTails(buf, sStart, sEnd, null, 0);
  let locations = 0;
  let labels = 0;
  for (let s = 0; s < sStart.length; s++) {
    records.read(s);
    locations += records.locations;
    labels += records.labels;
  }
  return { locations, labels };
}

/** How many varints end in buf[from..to): the bytes below 0x80. */
function countVarints(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += buf[i] >>> 7 ^ 1;
  return n;
}

/** Byte span of a repeated varint field: the packed run (wire type 2), or the one varint. */
function fieldSpan(r: Reader, wireType: number, parentEnd: number, what = 'a sample field'): [number, number] {
  if (wireType === WIRE_LEN) {
    const end = nestedEnd(r, parentEnd, what);
    return [r.pos, end];
  }
  if (wireType !== WIRE_VARINT) throw new FormatError(`corrupt profile: ${what} has wire type ${wireType} at byte ${r.pos}`, r.pos);
  const start = r.pos;
  readVarint(r);
  return [start, r.pos];
}

/** Reads a length prefix and returns where the nested field ends, which must be inside its parent. */
function nestedEnd(r: Reader, parentEnd: number, what: string): number {
  const at = r.pos;
  const end = r.uint32() + r.pos;
  if (end > parentEnd) throw new FormatError(`corrupt profile: ${what} at byte ${at} runs past the message that holds it`, at);
  return end;
}

function tooManyEntries(at: number, what = `${MAX_DECODED_ENTRIES.toLocaleString('en')} strings, samples, locations, functions and other entries`): FormatError {
  return new FormatError(
    `the profile holds more than ${what} (at byte ${at}): more than gpw decodes within its memory budget; a real profile holds far fewer, so it is probably corrupt or hostile`,
    at,
  );
}

function expectWire(actual: number, expected: number, field: string, r: Reader): void {
  if (actual !== expected) {
    throw new FormatError(`not a pprof profile: field ${field} has wire type ${actual} at byte ${r.pos}`, r.pos);
  }
}

/** Maps pprof ids (usually 1..n) to 0-based indices. */
/** The first n elements: the array itself when it holds exactly n (the usual case). */
function exactly<T extends Uint32Array | Int32Array | Float64Array>(a: T, n: number): T {
  return (a.length === n ? a : a.slice(0, n)) as T;
}

class IdIndex {
  /** Index by id for ids below its length (-1: none); larger ids live in `sparse`. */
  readonly dense: Int32Array;
  private readonly sparse = new Map<Uint64Key, number>();

  constructor(expected: number, dense?: Int32Array) {
    this.dense = dense ?? new Int32Array(expected * 2 + 2).fill(-1);
  }

  /** The index another one's dense table and other ids make (SampleTable). */
  static of(dense: Int32Array, sparse: [Uint64Key, number][]): IdIndex {
    const index = new IdIndex(0, dense);
    for (const [id, i] of sparse) index.sparse.set(id, i);
    return index;
  }

  sparseEntries(): [Uint64Key, number][] {
    return [...this.sparse];
  }

  add(id: Uint64Key, index: number, what: string): void {
    if (id === 0) throw new FormatError(`corrupt profile: a ${what} has id 0`);
    if (this.get(id) !== -1) throw new FormatError(`corrupt profile: ${what} id ${id} appears twice`);
    if (typeof id === 'number' && id < this.dense.length) this.dense[id] = index;
    else this.sparse.set(id, index);
  }

  get(id: Uint64Key): number {
    if (typeof id === 'number' && id < this.dense.length) return this.dense[id];
    return this.sparse.get(id) ?? -1;
  }

  require(id: Uint64Key, from: string, what: string): number {
    const i = this.get(id);
    if (i === -1) throw new FormatError(`corrupt profile: ${from} refers to ${what} id ${id}, which is not defined`);
    return i;
  }
}
