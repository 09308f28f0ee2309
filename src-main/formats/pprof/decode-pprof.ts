// pprof profile.proto (gzipped or raw) → the columnar Profile model.
// Written from the profile.proto field numbers; protobufjs's Reader does the wire-level work.

import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import type { Profile, ProfileMapping, ValueType } from '../../model/profile.js';
import { FormatError } from '../format-error.js';
import { Growable } from '../growable.js';
import { readPackedVarints } from './varint.js';

// int64 fields become plain numbers (exact below 2^53, which covers every real pprof value).
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

type Reader = protobuf.Reader;
const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** Largest decompressed profile we accept: beyond this the input is almost certainly not a profile. */
export const MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

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

/** Reads a repeated integer field that may be packed (wire type 2) or not. */
function readRepeated(r: Reader, wireType: number, read: () => number, push: (v: number) => void): void {
  if (wireType === WIRE_LEN) {
    const end = r.uint32() + r.pos;
    while (r.pos < end) push(read());
  } else {
    push(read());
  }
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

  while (r.pos < r.len) {
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
      case 7: dropFrames = r.int64() as unknown as number; break;
      case 8: keepFrames = r.int64() as unknown as number; break;
      case 9: timeNanos = r.int64() as unknown as number; break;
      case 10: durationNanos = r.int64() as unknown as number; break;
      case 11: {
        expectWire(wt, WIRE_LEN, 'period_type', r);
        const len = r.uint32();
        periodTypeRange = [r.pos, r.pos + len];
        r.pos += len;
        break;
      }
      case 12: period = r.int64() as unknown as number; break;
      case 13: readRepeated(r, wt, () => r.int64() as unknown as number, (v) => comments.push(v)); break;
      case 14: defaultSampleType = r.int64() as unknown as number; break;
      default:
        if (field === 0) throw new FormatError(`not a pprof profile: invalid protobuf field 0 at byte ${r.pos}`, r.pos);
        r.skipType(wt);
    }
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
      if (tag >>> 3 === 1) type = r.int64() as unknown as number;
      else if (tag >>> 3 === 2) unit = r.int64() as unknown as number;
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
    let id = 0;
    while (r.pos < fEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: id = r.uint64() as unknown as number; break;
        case 2: functionName[i] = strIndex(r.int64() as unknown as number, 'a function name'); break;
        case 3: functionSystemName[i] = strIndex(r.int64() as unknown as number, 'a function system name'); break;
        case 4: functionFile[i] = strIndex(r.int64() as unknown as number, 'a function file name'); break;
        case 5: functionStartLine[i] = r.int64() as unknown as number; break;
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
    while (r.pos < mEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: m.id = r.uint64() as unknown as number; break;
        case 2: m.memoryStart = r.uint64() as unknown as number; break;
        case 3: m.memoryLimit = r.uint64() as unknown as number; break;
        case 4: m.fileOffset = r.uint64() as unknown as number; break;
        case 5: m.file = str(r.int64() as unknown as number, 'a mapping file name'); break;
        case 6: m.buildId = str(r.int64() as unknown as number, 'a mapping build id'); break;
        case 7: m.hasFunctions = r.bool(); break;
        default: r.skipType(tag & 7);
      }
    }
    mappingIds.add(m.id, i, 'mapping');
    mappings.push(m);
  }

  // Locations and their lines
  const lStart = locations.start.finish();
  const lEnd = locations.end.finish();
  const nLoc = lStart.length;
  const locAddress = new Float64Array(nLoc);
  const locMapping = new Int32Array(nLoc).fill(-1);
  const locLineStart = new Uint32Array(nLoc + 1);
  const lineFunction = new Growable(Int32Array, nLoc * 2);
  const lineNumber = new Growable(Float64Array, nLoc * 2);
  const locationIds = new IdIndex(nLoc);
  for (let i = 0; i < nLoc; i++) {
    r.pos = lStart[i];
    locLineStart[i] = lineFunction.length;
    let id = 0;
    while (r.pos < lEnd[i]) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: id = r.uint64() as unknown as number; break;
        case 2: {
          const mid = r.uint64() as unknown as number;
          if (mid !== 0) locMapping[i] = mappingIds.require(mid, 'a location', 'mapping');
          break;
        }
        case 3: locAddress[i] = r.uint64() as unknown as number; break;
        case 4: {
          const end = r.uint32() + r.pos;
          let fid = 0;
          let line = 0;
          while (r.pos < end) {
            const t = r.uint32();
            if (t >>> 3 === 1) fid = r.uint64() as unknown as number;
            else if (t >>> 3 === 2) line = r.int64() as unknown as number;
            else r.skipType(t & 7);
          }
          lineFunction.push(fid === 0 ? -1 : functionIds.require(fid, 'a location line', 'function'));
          lineNumber.push(line);
          break;
        }
        default: r.skipType(tag & 7);
      }
    }
    locationIds.add(id, i, 'location');
  }
  locLineStart[nLoc] = lineFunction.length;

  // Samples
  const sStart = samples.start.finish();
  const sEnd = samples.end.finish();
  const nSamples = sStart.length;
  const nTypes = sampleTypes.length;
  const values = new Float64Array(nSamples * nTypes);
  const sampleLocStart = new Uint32Array(nSamples + 1);
  // Every location id takes at least one byte, so the samples' size bounds their count.
  let sampleBytes = 0;
  for (let s = 0; s < nSamples; s++) sampleBytes += sEnd[s] - sStart[s];
  const sampleLocs = new Growable(Uint32Array, sampleBytes);
  const sampleLabelStart = new Uint32Array(nSamples + 1);
  const labelKey = new Growable(Int32Array, 64);
  const labelStr = new Growable(Int32Array, 64);
  const labelNum = new Growable(Float64Array, 64);
  const labelNumUnit = new Growable(Int32Array, 64);
  const pushLocation = (id: number): void => {
    const index = locationIds.get(id);
    if (index < 0) locationIds.require(id, 'a sample', 'location');
    sampleLocs.push(index);
  };
  // Values of the sample being read: where they go and how many were seen.
  let valueBase = 0;
  let valueCount = 0;
  const pushValue = (v: number): void => {
    if (valueCount < nTypes) values[valueBase + valueCount] = v;
    valueCount++;
  };
  for (let s = 0; s < nSamples; s++) {
    r.pos = sStart[s];
    sampleLocStart[s] = sampleLocs.length;
    sampleLabelStart[s] = labelKey.length;
    valueBase = s * nTypes;
    valueCount = 0;
    while (r.pos < sEnd[s]) {
      const tag = r.uint32();
      const wt = tag & 7;
      switch (tag >>> 3) {
        case 1:
          if (wt === WIRE_LEN) {
            const len = r.uint32();
            r.pos = readPackedVarints(r.buf, r.pos, r.pos + len, pushLocation);
          } else {
            pushLocation(r.uint64() as unknown as number);
          }
          break;
        case 2:
          if (wt === WIRE_LEN) {
            const len = r.uint32();
            r.pos = readPackedVarints(r.buf, r.pos, r.pos + len, pushValue);
          } else {
            pushValue(r.int64() as unknown as number);
          }
          break;
        case 3: {
          const end = r.uint32() + r.pos;
          let key = 0, sv = 0, num = 0, unit = 0;
          while (r.pos < end) {
            const t = r.uint32();
            switch (t >>> 3) {
              case 1: key = r.int64() as unknown as number; break;
              case 2: sv = r.int64() as unknown as number; break;
              case 3: num = r.int64() as unknown as number; break;
              case 4: unit = r.int64() as unknown as number; break;
              default: r.skipType(t & 7);
            }
          }
          labelKey.push(strIndex(key, 'a label key'));
          labelStr.push(strIndex(sv, 'a label value'));
          labelNum.push(num);
          labelNumUnit.push(strIndex(unit, 'a label unit'));
          break;
        }
        default: r.skipType(wt);
      }
    }
    if (valueCount !== nTypes) {
      throw new FormatError(`corrupt profile: sample ${s} has ${valueCount} values but the profile has ${nTypes} sample types`);
    }
  }
  sampleLocStart[nSamples] = sampleLocs.length;
  sampleLabelStart[nSamples] = labelKey.length;

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
    locAddress,
    locMapping,
    locLineStart,
    lineFunction: lineFunction.finish(),
    lineNumber: lineNumber.finish(),
    sampleCount: nSamples,
    sampleLocStart,
    sampleLocs: sampleLocs.finish(),
    values,
    sampleLabelStart,
    labelKey: labelKey.finish(),
    labelStr: labelStr.finish(),
    labelNum: labelNum.finish(),
    labelNumUnit: labelNumUnit.finish(),
  };
}

function expectWire(actual: number, expected: number, field: string, r: Reader): void {
  if (actual !== expected) {
    throw new FormatError(`not a pprof profile: field ${field} has wire type ${actual} at byte ${r.pos}`, r.pos);
  }
}

/** Maps pprof ids (usually 1..n) to 0-based indices. */
class IdIndex {
  private readonly dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(expected: number) {
    this.dense = new Int32Array(expected * 2 + 2).fill(-1);
  }

  add(id: number, index: number, what: string): void {
    if (id === 0) throw new FormatError(`corrupt profile: a ${what} has id 0`);
    if (this.get(id) !== -1) throw new FormatError(`corrupt profile: ${what} id ${id} appears twice`);
    if (id < this.dense.length) this.dense[id] = index;
    else this.sparse.set(id, index);
  }

  get(id: number): number {
    if (id < this.dense.length) return this.dense[id];
    return this.sparse.get(id) ?? -1;
  }

  require(id: number, from: string, what: string): number {
    const i = this.get(id);
    if (i === -1) throw new FormatError(`corrupt profile: ${from} refers to ${what} id ${id}, which is not defined`);
    return i;
  }
}
