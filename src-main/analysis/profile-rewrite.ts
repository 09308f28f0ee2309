// Building blocks for views that change a profile: a copy keeping some samples (each with a
// stack chosen by the caller), a copy with new location lines, and scaled values. Columns not
// touched are shared with the source profile, which is never modified.

import type { Profile } from '../model/profile.js';
import { grown } from './grown.js';

/**
 * Called once per sample: push the sample's new stack (leaf first) onto `stack` and answer
 * whether to keep the sample. Values and labels come along unchanged.
 */
export type StackChooser = (sample: number, stack: number[]) => boolean;

/** selectSamples' columns start with room for this many location ids at most (and a 16th as many samples). */
const SELECT_START_LOCS = 1 << 22;

export function selectSamples(profile: Profile, choose: StackChooser): Profile {
  const nTypes = profile.sampleTypes.length;
  const n = profile.sampleCount;
  const locStart = new Uint32Array(n + 1);
  // Stacks rarely grow (collapsing and filters shorten them), but a filter may keep few of many
  // samples: columns start at the source's size up to a bound and grow by doubling past it (a big
  // profile's full-size columns, zeroed for a focus that keeps a few samples, cost more than the copies).
  let locs = new Uint32Array(Math.max(16, Math.min(profile.sampleLocs.length, SELECT_START_LOCS)));
  let values = new Float64Array(Math.max(nTypes, Math.min(n, SELECT_START_LOCS >>> 4) * nTypes));
  const labelStart = new Uint32Array(n + 1);
  const labelIdx = new Uint32Array(profile.labelKey.length);
  const stack: number[] = [];
  let kept = 0;
  let nLocs = 0;
  let nLabels = 0;
  for (let s = 0; s < n; s++) {
    stack.length = 0;
    if (!choose(s, stack)) continue;
    if (nLocs + stack.length > locs.length) locs = grown(locs, Math.max(locs.length * 2, nLocs + stack.length));
    for (let i = 0; i < stack.length; i++) locs[nLocs++] = stack[i];
    if ((kept + 1) * nTypes > values.length) values = grown(values, Math.min(n * nTypes, values.length * 2));
    for (let t = 0; t < nTypes; t++) values[kept * nTypes + t] = profile.values[s * nTypes + t];
    for (let i = profile.sampleLabelStart[s]; i < profile.sampleLabelStart[s + 1]; i++) labelIdx[nLabels++] = i;
    kept++;
    locStart[kept] = nLocs;
    labelStart[kept] = nLabels;
  }
  const pick = <T extends Int32Array | Float64Array>(col: T, make: (n: number) => T): T => {
    const out = make(nLabels);
    for (let i = 0; i < nLabels; i++) out[i] = col[labelIdx[i]];
    return out;
  };
  return {
    ...profile,
    sampleCount: kept,
    sampleLocStart: locStart.slice(0, kept + 1),
    sampleLocs: locs.slice(0, nLocs),
    values: values.slice(0, kept * nTypes),
    sampleLabelStart: labelStart.slice(0, kept + 1),
    labelKey: pick(profile.labelKey, (k) => new Int32Array(k)),
    labelStr: pick(profile.labelStr, (k) => new Int32Array(k)),
    labelNum: pick(profile.labelNum, (k) => new Float64Array(k)),
    labelNumUnit: pick(profile.labelNumUnit, (k) => new Int32Array(k)),
  };
}

/**
 * The samples with keep[s] === 1, each with its stack, values and labels as they are: what
 * selectSamples makes when every chosen stack is the sample's own, without building each stack
 * (a focus or ignore chip on a big profile), in columns of the exact size. Runs of kept samples
 * (a focus on a function keeps neighbours: samples come in the order their stacks were met) are
 * copied a run at a time.
 */
export function keepSamples(profile: Profile, keep: Uint8Array): Profile {
  const nTypes = profile.sampleTypes.length;
  const { sampleLocStart, sampleLocs, sampleLabelStart } = profile;
  const n = profile.sampleCount;
  // The runs: [runs[2r], runs[2r+1]) of samples.
  let runs = new Int32Array(64);
  let nRuns = 0;
  let kept = 0;
  let nLocs = 0;
  let nLabels = 0;
  for (let s = 0; s < n; ) {
    if (keep[s] === 0) {
      s++;
      continue;
    }
    const from = s;
    while (s < n && keep[s] !== 0) s++;
    if (2 * nRuns + 2 > runs.length) runs = grown(runs, runs.length * 2);
    runs[2 * nRuns] = from;
    runs[2 * nRuns + 1] = s;
    nRuns++;
    kept += s - from;
    nLocs += sampleLocStart[s] - sampleLocStart[from];
    nLabels += sampleLabelStart[s] - sampleLabelStart[from];
  }
  // Stacks in shared memory stay there (the app's helper thread reads them without a copy).
  const shared = sampleLocs.buffer instanceof SharedArrayBuffer;
  const locStart = new Uint32Array(bufferFor(4 * (kept + 1), shared));
  const locs = new Uint32Array(bufferFor(4 * nLocs, shared));
  const values = new Float64Array(bufferFor(8 * kept * nTypes, shared));
  const labelStart = new Uint32Array(kept + 1);
  const labelKey = new Int32Array(nLabels);
  const labelStr = new Int32Array(nLabels);
  const labelNum = new Float64Array(nLabels);
  const labelNumUnit = new Int32Array(nLabels);
  let k = 0;
  let at = 0;
  let li = 0;
  for (let r = 0; r < nRuns; r++) {
    const from = runs[2 * r];
    const to = runs[2 * r + 1];
    const l0 = sampleLocStart[from];
    const b0 = sampleLabelStart[from];
    for (let s = from; s < to; s++) {
      locStart[k + s - from] = at + sampleLocStart[s] - l0;
      labelStart[k + s - from] = li + sampleLabelStart[s] - b0;
    }
    const l1 = sampleLocStart[to];
    const b1 = sampleLabelStart[to];
    locs.set(sampleLocs.subarray(l0, l1), at);
    values.set(profile.values.subarray(from * nTypes, to * nTypes), k * nTypes);
    labelKey.set(profile.labelKey.subarray(b0, b1), li);
    labelStr.set(profile.labelStr.subarray(b0, b1), li);
    labelNum.set(profile.labelNum.subarray(b0, b1), li);
    labelNumUnit.set(profile.labelNumUnit.subarray(b0, b1), li);
    k += to - from;
    at += l1 - l0;
    li += b1 - b0;
  }
  locStart[k] = at;
  labelStart[k] = li;
  return { ...profile, sampleCount: kept, sampleLocStart: locStart, sampleLocs: locs, values, sampleLabelStart: labelStart, labelKey, labelStr, labelNum, labelNumUnit };
}

/** Room for `bytes` in shared memory when `shared` (as the stacks it is made from), else in this thread's. */
export function bufferFor(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/**
 * A copy whose location i has the lines lineIdx[locStart[i]..locStart[i+1]) of the source
 * (indices into its line columns, innermost first).
 */
export function withLocationLines(profile: Profile, locStart: ArrayLike<number>, lineIdx: ArrayLike<number>): Profile {
  const lineFunction = new Int32Array(lineIdx.length);
  const lineNumber = new Float64Array(lineIdx.length);
  for (let i = 0; i < lineIdx.length; i++) {
    lineFunction[i] = profile.lineFunction[lineIdx[i]];
    lineNumber[i] = profile.lineNumber[lineIdx[i]];
  }
  return { ...profile, locLineStart: Uint32Array.from(locStart), lineFunction, lineNumber };
}

/** Go's math.Round: halves away from zero. */
export const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/**
 * pprof's ScaleN: each value of a type whose ratio is not 1 becomes round(v × ratio); samples
 * whose scaled values are all zero are dropped.
 */
export function scaleProfile(profile: Profile, ratios: number[]): Profile {
  if (ratios.every((r) => r === 1)) return profile;
  const nTypes = ratios.length;
  const scaled = new Float64Array(profile.values.length);
  const keep = new Uint8Array(profile.sampleCount);
  for (let s = 0; s < profile.sampleCount; s++) {
    for (let t = 0; t < nTypes; t++) {
      const v = profile.values[s * nTypes + t];
      if (ratios[t] === 1) {
        scaled[s * nTypes + t] = v;
        continue;
      }
      const x = roundHalfAway(v * ratios[t]);
      scaled[s * nTypes + t] = x;
      if (x !== 0) keep[s] = 1;
    }
  }
  return keepSamples({ ...profile, values: scaled }, keep);
}
