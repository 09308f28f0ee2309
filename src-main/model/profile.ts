// The in-memory pprof profile: columnar typed arrays and one string table, so that a
// profile with millions of sample records costs a few arrays instead of millions of objects.

export interface ValueType {
  type: string;
  unit: string;
}

export interface ProfileMapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  file: string;
  buildId: string;
  hasFunctions: boolean;
}

export interface Profile {
  sampleTypes: ValueType[];
  /** Name of the sample type pprof shows by default (default_sample_type, else the last one). */
  defaultSampleType: string;
  periodType: ValueType | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;
  strings: string[];

  /** Functions, indexed 0..n-1 (not by pprof id). Name/file are string-table indices. */
  functionName: Int32Array;
  functionSystemName: Int32Array;
  functionFile: Int32Array;
  functionStartLine: Float64Array;

  mappings: ProfileMapping[];
  /**
   * Each function is a node of its own even when names repeat: pprof's -files granularity names
   * nodes by file but keeps the functions of one file apart (by start line). Unset: functions
   * with the same name are one node.
   */
  functionsAreNodes?: boolean;

  /** Locations, indexed 0..n-1. Lines of location i are lineFunction[locLineStart[i]..locLineStart[i+1]). */
  locAddress: Float64Array;
  /** Index into mappings, or -1. */
  locMapping: Int32Array;
  locLineStart: Uint32Array;
  /** Function index (0-based) of each line; line 0 of a location is the innermost (inlined) frame. */
  lineFunction: Int32Array;
  lineNumber: Float64Array;

  /** Samples. Locations of sample s are sampleLocs[sampleLocStart[s]..sampleLocStart[s+1]), leaf first. */
  sampleCount: number;
  sampleLocStart: Uint32Array;
  sampleLocs: Uint32Array;
  /** values[s * sampleTypes.length + t] */
  values: Float64Array;

  /** Labels of sample s are label*[sampleLabelStart[s]..sampleLabelStart[s+1]). Strings are table indices; labelStr is 0 for numeric labels. */
  sampleLabelStart: Uint32Array;
  labelKey: Int32Array;
  labelStr: Int32Array;
  labelNum: Float64Array;
  labelNumUnit: Int32Array;
}

/** Index of a sample type by name ("alloc_space"), "type/unit", or pprof's 0-based index ("1"); -1 if absent. */
export function sampleTypeIndex(profile: Profile, name: string): number {
  return sampleTypeIndexIn(profile.sampleTypes.map((t) => `${t.type}/${t.unit}`), name);
}

/** What is wrong with a sample type a profile does not have (`known`: its types' names). */
export function missingSampleType(name: string, known: readonly string[]): string {
  return `sample type "${name}" is not in this profile (it has ${known.join(', ')})`;
}

/** sampleTypeIndex over "type/unit" names (a summary's sampleTypes): as pprof's -sample_index, a number is an index. */
export function sampleTypeIndexIn(types: readonly string[], name: string): number {
  if (/^\d+$/.test(name)) return Number(name) < types.length ? Number(name) : -1;
  return types.findIndex((t) => t === name || t.slice(0, t.lastIndexOf('/')) === name);
}

/** pprof's total of one sample type: the sum of the values' magnitudes over all samples. */
export function sampleTypeTotal(profile: Profile, typeIndex: number): number {
  const n = profile.sampleTypes.length;
  let total = 0;
  for (let s = 0; s < profile.sampleCount; s++) total += Math.abs(profile.values[s * n + typeIndex]);
  return total;
}
