// Several profiles of the same kind as one, as pprof merges the files it is given: the same
// sample types and period type are required; functions, binaries and locations that are the
// same are shared, samples with the same stack and labels are added up, samples with only
// zero values are dropped; the period is the largest, the durations add up, the start time is
// the earliest. One profile is returned as it is (pprof does not merge a single source).

import type { Profile, ProfileMapping } from '../model/profile.js';
import { GpwError } from '../api/errors.js';
import { StringTable } from '../model/string-table.js';

/** Labels added to every sample of one source (pprof marks a diff base's samples this way). */
export interface MergeSource {
  profile: Profile;
  extraLabels?: Record<string, string>;
}

const typeName = (t: { type: string; unit: string } | null): string => (t ? `${t.type}/${t.unit}` : 'none');

function checkCompatible(first: Profile, other: Profile, index: number): void {
  const a = first.sampleTypes.map(typeName).join(', ');
  const b = other.sampleTypes.map(typeName).join(', ');
  if (a !== b) throw new GpwError('invalid_argument', `cannot combine profiles with different sample types: ${a} and ${b} (profile ${index + 1})`);
  if (typeName(first.periodType) !== typeName(other.periodType)) {
    throw new GpwError('invalid_argument', `cannot combine profiles with different period types: ${typeName(first.periodType)} and ${typeName(other.periodType)} (profile ${index + 1})`);
  }
}

/** Growing columns of the merged profile and the keys that share equal entries. */
class MergedColumns {
  readonly strings = new StringTable();
  readonly fnKeys = new Map<string, number>();
  fnName: number[] = [];
  fnSystem: number[] = [];
  fnFile: number[] = [];
  fnStart: number[] = [];
  readonly mapKeys = new Map<string, number>();
  mappings: ProfileMapping[] = [];
  readonly locKeys = new Map<string, number>();
  locAddress: number[] = [];
  locMapping: number[] = [];
  locLineStart: number[] = [0];
  lineFunction: number[] = [];
  lineNumber: number[] = [];
  readonly sampleKeys = new Map<string, number>();
  sampleLocStart: number[] = [0];
  sampleLocs: number[] = [];
  values: number[] = [];
  sampleLabelStart: number[] = [0];
  labelKey: number[] = [];
  labelStr: number[] = [];
  labelNum: number[] = [];
  labelNumUnit: number[] = [];
}

/** A compact string key for a list of ids (two UTF-16 units per id): much cheaper than join(). */
function packIds(ids: number[]): string {
  const units = new Uint16Array(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    units[2 * i] = ids[i] >>> 16;
    units[2 * i + 1] = ids[i] & 0xffff;
  }
  let key = '';
  for (let i = 0; i < units.length; i += 8192) key += String.fromCharCode(...units.subarray(i, i + 8192));
  return key;
}

/** Copies one source in, sharing what is equal to what is already there. */
function addSource(m: MergedColumns, src: Profile, extraLabels: Record<string, string>, nTypes: number): void {
  const str = (i: number): number => m.strings.id(src.strings[i] ?? '');
  const fnMap = new Int32Array(src.functionName.length);
  for (let f = 0; f < fnMap.length; f++) {
    const cols = [str(src.functionName[f]), str(src.functionSystemName[f]), str(src.functionFile[f]), src.functionStartLine[f]];
    const key = cols.join(',');
    let id = m.fnKeys.get(key);
    if (id === undefined) {
      id = m.fnName.length;
      m.fnName.push(cols[0]);
      m.fnSystem.push(cols[1]);
      m.fnFile.push(cols[2]);
      m.fnStart.push(cols[3]);
      m.fnKeys.set(key, id);
    }
    fnMap[f] = id;
  }
  const mapMap = src.mappings.map((mp) => {
    const key = JSON.stringify([mp.memoryStart, mp.memoryLimit, mp.fileOffset, mp.file, mp.buildId]);
    let id = m.mapKeys.get(key);
    if (id === undefined) {
      id = m.mappings.length;
      m.mappings.push({ ...mp, id: id + 1 });
      m.mapKeys.set(key, id);
    }
    return id;
  });
  const nLoc = src.locAddress.length;
  const locMap = new Int32Array(nLoc);
  for (let l = 0; l < nLoc; l++) {
    const mapping = src.locMapping[l] >= 0 ? mapMap[src.locMapping[l]] : -1;
    // As pprof: addresses relative to their binary's start, so runs with ASLR share locations.
    const address = src.locAddress[l] - (src.locMapping[l] >= 0 ? src.mappings[src.locMapping[l]].memoryStart : 0);
    let key = `${mapping}:${address}`;
    for (let li = src.locLineStart[l]; li < src.locLineStart[l + 1]; li++) {
      key += `|${src.lineFunction[li] >= 0 ? fnMap[src.lineFunction[li]] : -1}:${src.lineNumber[li]}`;
    }
    let id = m.locKeys.get(key);
    if (id === undefined) {
      id = m.locAddress.length;
      m.locAddress.push(src.locAddress[l]);
      m.locMapping.push(mapping);
      for (let li = src.locLineStart[l]; li < src.locLineStart[l + 1]; li++) {
        m.lineFunction.push(src.lineFunction[li] >= 0 ? fnMap[src.lineFunction[li]] : -1);
        m.lineNumber.push(src.lineNumber[li]);
      }
      m.locLineStart.push(m.lineFunction.length);
      m.locKeys.set(key, id);
    }
    locMap[l] = id;
  }
  const extra = Object.entries(extraLabels).map(([k, v]) => [m.strings.id(k), m.strings.id(v)]);
  for (let s = 0; s < src.sampleCount; s++) {
    let zero = true;
    for (let t = 0; t < nTypes; t++) if (src.values[s * nTypes + t] !== 0) zero = false;
    if (zero) continue;
    const locs: number[] = [];
    for (let i = src.sampleLocStart[s]; i < src.sampleLocStart[s + 1]; i++) locs.push(locMap[src.sampleLocs[i]]);
    const labels: number[][] = [];
    for (let i = src.sampleLabelStart[s]; i < src.sampleLabelStart[s + 1]; i++) {
      labels.push([str(src.labelKey[i]), str(src.labelStr[i]), src.labelNum[i], str(src.labelNumUnit[i])]);
    }
    for (const [k, v] of extra) labels.push([k, v, 0, 0]);
    const key = packIds(locs) + (labels.length > 0 ? `;${labels.map((l) => l.join(':')).sort().join(';')}` : '');
    const existing = m.sampleKeys.get(key);
    if (existing !== undefined) {
      for (let t = 0; t < nTypes; t++) m.values[existing * nTypes + t] += src.values[s * nTypes + t];
      continue;
    }
    m.sampleKeys.set(key, m.sampleLocStart.length - 1);
    m.sampleLocs.push(...locs);
    m.sampleLocStart.push(m.sampleLocs.length);
    for (let t = 0; t < nTypes; t++) m.values.push(src.values[s * nTypes + t]);
    for (const [k, v, n, u] of labels) {
      m.labelKey.push(k);
      m.labelStr.push(v);
      m.labelNum.push(n);
      m.labelNumUnit.push(u);
    }
    m.sampleLabelStart.push(m.labelKey.length);
  }
}

export function mergeProfiles(sources: MergeSource[]): Profile {
  if (sources.length === 0) throw new GpwError('invalid_argument', 'no profiles to merge');
  const first = sources[0].profile;
  if (sources.length === 1 && !sources[0].extraLabels) return first;
  sources.forEach((s, i) => checkCompatible(first, s.profile, i));
  const nTypes = first.sampleTypes.length;
  const m = new MergedColumns();
  for (const s of sources) addSource(m, s.profile, s.extraLabels ?? {}, nTypes);

  const values = Float64Array.from(m.values);
  const comments = [...new Set(sources.flatMap((s) => s.profile.comments))];
  const times = sources.map((s) => s.profile.timeNanos);
  let timeNanos = 0;
  for (const t of times) if (timeNanos === 0 || t < timeNanos) timeNanos = t;
  return {
    sampleTypes: first.sampleTypes,
    defaultSampleType: first.defaultSampleType,
    periodType: first.periodType,
    period: Math.max(...sources.map((s) => s.profile.period)),
    timeNanos,
    durationNanos: sources.reduce((sum, s) => sum + s.profile.durationNanos, 0),
    comments,
    dropFrames: first.dropFrames,
    keepFrames: first.keepFrames,
    strings: m.strings.list,
    functionName: Int32Array.from(m.fnName),
    functionSystemName: Int32Array.from(m.fnSystem),
    functionFile: Int32Array.from(m.fnFile),
    functionStartLine: Float64Array.from(m.fnStart),
    mappings: m.mappings,
    locAddress: Float64Array.from(m.locAddress),
    locMapping: Int32Array.from(m.locMapping),
    locLineStart: Uint32Array.from(m.locLineStart),
    lineFunction: Int32Array.from(m.lineFunction),
    lineNumber: Float64Array.from(m.lineNumber),
    sampleCount: m.sampleLocStart.length - 1,
    sampleLocStart: Uint32Array.from(m.sampleLocStart),
    sampleLocs: Uint32Array.from(m.sampleLocs),
    values,
    sampleLabelStart: Uint32Array.from(m.sampleLabelStart),
    labelKey: Int32Array.from(m.labelKey),
    labelStr: Int32Array.from(m.labelStr),
    labelNum: Float64Array.from(m.labelNum),
    labelNumUnit: Int32Array.from(m.labelNumUnit),
  };
}
