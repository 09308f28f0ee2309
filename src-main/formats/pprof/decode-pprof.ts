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
const MAX_SAMPLE_LOCATIONS = 4 * MAX_DECODED_ENTRIES;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompress if gzipped; raw protobuf passes through. */
export function unwrapPprofBytes(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test(String(err))) {
      throw new FormatError(`gzip data expands beyond ${MAX_DECOMPRESSED_BYTES / 2 ** 20} MiB; not a profile gpw can read`);
    }
    const detail = code === 'Z_BUF_ERROR' ? 'the gzip stream ends early (truncated file)' : `invalid gzip data (${(err as Error).message})`;
    throw new FormatError(detail);
  }
}

interface Range {
  start: Growable<Uint32Array>;
  end: Growable<Uint32Array>;
}
const newRange = (): Range => ({ start: new Growable(Uint32Array), end: new Growable(Uint32Array) });

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

export function decodePprof(input: Uint8Array): Profile {
  if (input.length === 0) throw new FormatError('the file is empty');
  const bytes = unwrapPprofBytes(input);
  if (bytes.length === 0) throw new FormatError('the profile is empty after decompression');
  try {
    return decodeProfileMessage(bytes);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    if (err instanceof RangeError || err instanceof Error) {
      throw new FormatError(`corrupt or truncated protobuf data (${err.message})`);
    }
    throw err;
  }
}

function decodeProfileMessage(bytes: Uint8Array): Profile {
  const r = protobuf.Reader.create(bytes);
  const sampleTypeRanges = newRange();
  const samples = newRange();
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

  while (r.pos < r.len) {
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
  const str = (i: number, what: string): string => {
    if (!Number.isInteger(i) || i < 0 || i >= strings.length) {
      throw new FormatError(`corrupt profile: ${what} refers to string ${i}, but the table has ${strings.length}`);
    }
    return strings[i];
  };
  const strIndex = (i: number, what: string): number => {
    str(i, what);
    return i;
  };

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

  // Samples
  const samplesOut = decodeSamples(r, samples.start.finish(), samples.end.finish(), sampleTypes.length, locs.locationIds, strIndex);
  const nTypes = sampleTypes.length;

  const defaultName = defaultSampleType ? str(defaultSampleType, 'default_sample_type') : '';
  return {
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
    ...samplesOut,
  };
}

type StringIndexCheck = (i: number, what: string) => number;

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
function decodeSamples(r: Reader, sStart: Uint32Array, sEnd: Uint32Array, nTypes: number, locationIds: IdIndex, strIndex: StringIndexCheck) {
  const nSamples = sStart.length;
  // Every sample holds one value per type, each at least a byte: more than the bytes can hold is corrupt.
  if (nSamples * nTypes > r.len) {
    throw new FormatError(`corrupt profile: ${nSamples} samples × ${nTypes} sample types need more values than its ${r.len} bytes can hold`);
  }
  const values = new Float64Array(nSamples * nTypes);
  const sampleLocStart = new Uint32Array(nSamples + 1);
  const counts = countSampleFields(r.buf, sStart, sEnd);
  if (counts.locations > MAX_SAMPLE_LOCATIONS) throw tooManyEntries(sStart[0], `${MAX_SAMPLE_LOCATIONS.toLocaleString('en')} location ids in its samples`);
  if (counts.labels > MAX_DECODED_ENTRIES) throw tooManyEntries(sStart[0], `${MAX_DECODED_ENTRIES.toLocaleString('en')} sample labels`);
  const sampleLocs = new Uint32Array(counts.locations);
  let nSampleLocs = 0;
  const sampleLabelStart = new Uint32Array(nSamples + 1);
  const maxLabels = counts.labels;
  const labelKey = new Int32Array(maxLabels);
  const labelStr = new Int32Array(maxLabels);
  const labelNum = new Float64Array(maxLabels);
  const labelNumUnit = new Int32Array(maxLabels);
  let nLabels = 0;
  const buf = r.buf;
  const denseIds = locationIds.dense;
  for (let s = 0; s < nSamples; s++) {
    r.pos = sStart[s];
    sampleLocStart[s] = nSampleLocs;
    sampleLabelStart[s] = nLabels;
    const base = s * nTypes;
    let nValues = 0;
    while (r.pos < sEnd[s]) {
      const tag = r.uint32();
      const wt = tag & 7;
      switch (tag >>> 3) {
        case 1: {
          // location_id: packed (as Go writes it) or one per field.
          const [from, end] = fieldSpan(r, wt, sEnd[s]);
          let p = from;
          while (p < end) {
            const at = p;
            const id = readVarintAt(buf, p);
            p = varintEnd;
            // Small ids index a dense table; ids beyond 2^53 (or with the top bit set) are rare
            // but valid, and are looked up exactly.
            let index = id >= 0 && id < denseIds.length ? denseIds[id] : -1;
            if (index < 0) index = locationIds.require(id >= 0 && id <= Number.MAX_SAFE_INTEGER ? id : readUint64KeyAt(buf, at), 'a sample', 'location');
            if (nSampleLocs === sampleLocs.length) throw new FormatError(`corrupt profile: sample ${s} has malformed location ids`);
            sampleLocs[nSampleLocs++] = index;
          }
          if (p !== end) throw new RangeError('location ids run past their field');
          r.pos = p;
          break;
        }
        case 2: {
          const [from, end] = fieldSpan(r, wt, sEnd[s]);
          let p = from;
          while (p < end) {
            const v = readVarintAt(buf, p);
            p = varintEnd;
            if (nValues < nTypes) values[base + nValues] = v;
            nValues++;
          }
          if (p !== end) throw new RangeError('values run past their field');
          r.pos = p;
          break;
        }
        case 3: {
          const end = nestedEnd(r, sEnd[s], 'a sample label');
          let key = 0, sv = 0, num = 0, unit = 0;
          while (r.pos < end) {
            const t = r.uint32();
            switch (t >>> 3) {
              case 1: key = readVarint(r); break;
              case 2: sv = readVarint(r); break;
              case 3: num = readVarint(r); break;
              case 4: unit = readVarint(r); break;
              default: r.skipType(t & 7);
            }
          }
          if (nLabels === maxLabels) throw new FormatError(`corrupt profile: sample ${s} has malformed labels`);
          labelKey[nLabels] = strIndex(key, 'a label key');
          labelStr[nLabels] = strIndex(sv, 'a label value');
          labelNum[nLabels] = num;
          labelNumUnit[nLabels++] = strIndex(unit, 'a label unit');
          break;
        }
        default: r.skipType(wt);
      }
    }
    if (nValues !== nTypes) {
      throw new FormatError(`corrupt profile: sample ${s} has ${nValues} values but the profile has ${nTypes} sample types`);
    }
  }
  sampleLocStart[nSamples] = nSampleLocs;
  sampleLabelStart[nSamples] = nLabels;

  return {
    sampleCount: nSamples,
    sampleLocStart,
    sampleLocs: exactly(sampleLocs, nSampleLocs),
    values,
    sampleLabelStart,
    labelKey: exactly(labelKey, nLabels),
    labelStr: exactly(labelStr, nLabels),
    labelNum: exactly(labelNum, nLabels),
    labelNumUnit: exactly(labelNumUnit, nLabels),
  };
}

/**
 * Location ids and labels in all samples, counted by a quick scan of the field tags (a packed
 * run holds as many varints as it has bytes below 0x80), so the columns are allocated once at
 * their exact size. Malformed input only makes the counts wrong; the decoder then reports it.
 */
function countSampleFields(buf: Uint8Array, sStart: Uint32Array, sEnd: Uint32Array): { locations: number; labels: number } {
  let locations = 0;
  let labels = 0;
  for (let s = 0; s < sStart.length; s++) {
    let p = sStart[s];
    const end = sEnd[s];
    while (p < end) {
      const tag = readVarintAt(buf, p);
      p = varintEnd;
      const wt = tag & 7;
      if (wt === WIRE_LEN) {
        const len = readVarintAt(buf, p);
        p = varintEnd;
        if (tag >>> 3 === 1) for (let i = p; i < p + len && i < end; i++) locations += buf[i] < 0x80 ? 1 : 0;
        else if (tag >>> 3 === 3) labels++;
        p += len;
      } else if (wt === WIRE_VARINT) {
        readVarintAt(buf, p);
        p = varintEnd;
        if (tag >>> 3 === 1) locations++;
      } else {
        p += wt === 1 ? 8 : wt === 5 ? 4 : end; // fixed64, fixed32; anything else ends the scan
      }
    }
  }
  return { locations, labels };
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

  constructor(expected: number) {
    this.dense = new Int32Array(expected * 2 + 2).fill(-1);
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
