// The stacks an import's scan (profile-scan.ts) walks, kept as the sample columns of a Profile
// without labels: in the app a profile's first views follow its import, and the flame graph and
// the name filters need every stack, so the scan that adds up the summary and the function
// figures also copies each sample's locations and values into place (decode once). Parts of the
// samples walked by different threads write their values into the same shared columns and their
// locations into buffers of their own (a location id takes at least a byte, so a part's bytes
// bound them), copied into place, one after the other, when every part is done.
//
// The Profile made has no labels. It answers the views that read stacks and values alone (the
// worker uses it for one profile's view without tag filters); anything that needs labels
// decodes the profile.

import type { Profile } from '../model/profile.js';
import type { ProfileSamples } from './profile-scan.js';

/** Sample columns filled by the parts of a scan; shared memory when other threads write too. */
export interface StackColumns {
  /** Per sample, where its locations start in `locs` (a part's gaps are closed at the end). */
  locStart: Uint32Array;
  locs: Uint32Array;
  /** values[s * nTypes + t], as Profile.values. */
  values: Float64Array;
}

/** The samples' byte ranges in the scanned data (formats/pprof/decode-pprof.ts SampleTable). */
export interface SampleRanges {
  sStart: Uint32Array;
  sEnd: Uint32Array;
}

/** Columns for every sample of a scan; `shared`: in SharedArrayBuffers, for a scan on two threads (`locs` is sized for every sample's bytes, and only the pages written are resident). */
export function stackColumnsFor(ranges: SampleRanges, nTypes: number, shared: boolean): StackColumns {
  const n = ranges.sStart.length;
  const bound = n === 0 ? 0 : ranges.sEnd[n - 1] - ranges.sStart[0];
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    locStart: new Uint32Array(buffer(4 * (n + 1))),
    locs: new Uint32Array(buffer(4 * bound)),
    values: new Float64Array(buffer(8 * n * nTypes)),
  };
}

/** A part's extent in `locs` once walked: [base, end). */
export interface StackPart {
  from: number;
  to: number;
  base: number;
  end: number;
  /**
   * The part's own buffer for its locations (another thread's part: its pages are let go once
   * copied into place, where writing at `base` in the columns' own buffer would leave them
   * resident beside the copy); else the columns' `locs`.
   */
  locs?: Uint32Array;
}

/** Another thread's part of samples from..to-1, with a buffer of its own for its locations (shared memory). */
export function partOfItsOwn(ranges: SampleRanges, from: number, to: number): StackPart {
  const bound = to > from ? ranges.sEnd[to - 1] - ranges.sStart[from] : 0;
  return { from, to, base: 0, end: 0, locs: new Uint32Array(new SharedArrayBuffer(4 * bound)) };
}

/**
 * The samples, visited as they are (for scanPart), each one's locations and values also copied
 * into `columns` from `part.base` on; `part.end` is set as the walk goes. Only for the one walk
 * that visits every sample of the part (not a later walk with `only`).
 */
export function keepingStacks(samples: ProfileSamples, columns: StackColumns, part: StackPart): ProfileSamples {
  return {
    skeleton: samples.skeleton,
    sampleCount: samples.sampleCount,
    forEachSample(visit, options) {
      const { locStart, values: outValues } = columns;
      const out = part.locs ?? columns.locs;
      const nTypes = samples.skeleton.sampleTypes.length;
      let at = part.base;
      const counts = samples.forEachSample((s, locs, nLocs, values, labelKeys, nLabels) => {
        locStart[s] = at;
        for (let i = 0; i < nLocs; i++) out[at + i] = locs[i];
        at += nLocs;
        for (let t = 0, v = s * nTypes; t < nTypes; t++) outValues[v + t] = values[t];
        visit(s, locs, nLocs, values, labelKeys, nLabels);
      }, options);
      part.end = at;
      return counts;
    },
  };
}

/**
 * The Profile of the skeleton and the kept stacks, without labels: the parts (in sample order,
 * together every sample) moved together so that each sample's locations end where the next's
 * begin.
 */
export function stackProfile(skeleton: Profile, sampleCount: number, columns: StackColumns, parts: StackPart[]): Profile {
  const { locStart, locs } = columns;
  let at = 0;
  for (const part of parts) {
    const gap = part.base - at;
    if (part.locs && part.locs !== locs) locs.set(part.locs.subarray(part.base, part.end), at);
    else if (gap !== 0) locs.copyWithin(at, part.base, part.end);
    if (gap !== 0) for (let s = part.from; s < part.to; s++) locStart[s] -= gap;
    at += part.end - part.base;
  }
  locStart[sampleCount] = at;
  return {
    ...skeleton,
    sampleCount,
    sampleLocStart: locStart,
    sampleLocs: locs.subarray(0, at),
    values: columns.values,
    sampleLabelStart: new Uint32Array(sampleCount + 1),
    labelKey: new Int32Array(0),
    labelStr: new Int32Array(0),
    labelNum: new Float64Array(0),
    labelNumUnit: new Int32Array(0),
  };
}

/**
 * A profile's samples visited from its columns (no labels): a ScannedProfile's later walks (its
 * top tables' inline labels) read the kept stacks instead of decoding the samples again.
 */
export function columnSamples(profile: Profile): ProfileSamples {
  const { sampleLocStart, sampleLocs, values, sampleCount } = profile;
  const nTypes = profile.sampleTypes.length;
  let widest = 0;
  for (let s = 0; s < sampleCount; s++) widest = Math.max(widest, sampleLocStart[s + 1] - sampleLocStart[s]);
  return {
    skeleton: profile,
    sampleCount,
    forEachSample(visit, options) {
      const locs = new Uint32Array(widest);
      const v = new Float64Array(nTypes);
      const noLabels = new Int32Array(0);
      const only = options?.only;
      const to = Math.min(options?.to ?? sampleCount, sampleCount);
      let nLocations = 0;
      for (let s = options?.from ?? 0; s < to; s++) {
        if (only && !only(s)) continue;
        const start = sampleLocStart[s];
        const n = sampleLocStart[s + 1] - start;
        for (let i = 0; i < n; i++) locs[i] = sampleLocs[start + i];
        for (let t = 0; t < nTypes; t++) v[t] = values[s * nTypes + t];
        nLocations += n;
        visit(s, locs, n, v, noLabels, 0);
      }
      return { locations: nLocations, labels: 0 };
    },
  };
}
