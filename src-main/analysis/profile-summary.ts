// What the library keeps about a profile so lists and search never reparse it: which kind
// of Go profile it is, its sample types and their totals, duration and capture time.

import type { Profile } from '../model/profile.js';

export type ProfileType = 'cpu' | 'heap' | 'allocs' | 'block' | 'mutex' | 'goroutine' | 'threadcreate' | 'other';

export interface ProfileSummary {
  profileType: ProfileType;
  /** "type/unit" per sample type, in profile order. */
  sampleTypes: string[];
  defaultSampleType: string;
  /** Total per sample type, keyed by "type/unit". */
  totals: Record<string, number>;
  sampleCount: number;
  durationNs: number;
  /** Capture time as Unix milliseconds, or null when the profile does not say. */
  capturedAt: number | null;
  period: number;
  periodType: string | null;
  /** Keys of sample labels (pprof.Do labels, numeric labels such as bytes). */
  labelKeys: string[];
  /** The profile's comments (readers of text formats put their warnings here), at most 20. */
  comments: string[];
}

const MAX_COMMENTS = 20;
const MAX_COMMENT_CHARS = 500;

/** What a summary needs from the samples; from a profile's columns unless given (an import's scan). */
export interface SampleFacts {
  /** Per sample type: the sum of |value|. */
  totals: ArrayLike<number>;
  /** String indices of label keys. */
  labelKeys: Iterable<number>;
  /** Whether most leaf frames are Unlock calls (see contentionIsMutex). */
  mutexLike: () => boolean;
}

export function summarizeProfile(profile: Profile, facts: SampleFacts = sampleFactsOf(profile)): ProfileSummary {
  const totals: Record<string, number> = {};
  profile.sampleTypes.forEach((t, i) => {
    totals[`${t.type}/${t.unit}`] = facts.totals[i];
  });
  const labelKeys = [...new Set(facts.labelKeys)].map((k) => profile.strings[k]).sort();
  return {
    profileType: detectProfileType(profile, facts.mutexLike),
    sampleTypes: profile.sampleTypes.map((t) => `${t.type}/${t.unit}`),
    defaultSampleType: profile.defaultSampleType,
    totals,
    sampleCount: profile.sampleCount,
    durationNs: profile.durationNanos,
    capturedAt: profile.timeNanos > 0 ? Math.round(profile.timeNanos / 1e6) : null,
    period: profile.period,
    periodType: profile.periodType ? `${profile.periodType.type}/${profile.periodType.unit}` : null,
    labelKeys,
    comments: profile.comments.slice(0, MAX_COMMENTS).map((c) => c.slice(0, MAX_COMMENT_CHARS)),
  };
}

/** A profile's facts in one walk of its values and one of its label keys (a Set of millions of keys took 100 ms). */
function sampleFactsOf(profile: Profile): SampleFacts {
  const nTypes = profile.sampleTypes.length;
  const totals = new Float64Array(nTypes);
  const { values } = profile;
  for (let i = 0; i < profile.sampleCount * nTypes; i += nTypes) for (let t = 0; t < nTypes; t++) totals[t] += Math.abs(values[i + t]);
  const isKey = new Uint8Array(profile.strings.length);
  for (let i = 0; i < profile.labelKey.length; i++) isKey[profile.labelKey[i]] = 1;
  const labelKeys: number[] = [];
  isKey.forEach((k, i) => k && labelKeys.push(i));
  return { totals, labelKeys, mutexLike: () => contentionIsMutex(profile) };
}

export function detectProfileType(profile: Profile, mutexLike = () => contentionIsMutex(profile)): ProfileType {
  const types = new Set(profile.sampleTypes.map((t) => t.type));
  if (types.has('cpu') || (profile.periodType?.type === 'cpu' && types.has('samples'))) return 'cpu';
  if (types.has('alloc_space') || types.has('inuse_space')) {
    return profile.defaultSampleType === 'alloc_space' ? 'allocs' : 'heap';
  }
  if (types.has('contentions') && types.has('delay')) return mutexLike() ? 'mutex' : 'block';
  if (types.has('goroutine')) return 'goroutine';
  if (types.has('threadcreate')) return 'threadcreate';
  return 'other';
}

// Go writes block and mutex profiles with identical sample types. A mutex profile records
// contention where the lock is released, so its leaf frames are Unlock calls.
function contentionIsMutex(profile: Profile): boolean {
  const leafCount = new Uint32Array(profile.locAddress.length);
  for (let s = 0; s < profile.sampleCount; s++) {
    if (profile.sampleLocStart[s] !== profile.sampleLocStart[s + 1]) leafCount[profile.sampleLocs[profile.sampleLocStart[s]]]++;
  }
  return leavesAreUnlocks(profile, leafCount);
}

/** From the number of samples whose leaf is each location: whether at least half the leaf frames (of known functions) are Unlock calls. */
export function leavesAreUnlocks(profile: Profile, leafCount: Uint32Array): boolean {
  let unlockLeaves = 0;
  let leaves = 0;
  for (let loc = 0; loc < leafCount.length; loc++) {
    if (leafCount[loc] === 0) continue;
    const line = profile.locLineStart[loc];
    if (line === profile.locLineStart[loc + 1]) continue;
    const fn = profile.lineFunction[line];
    if (fn < 0) continue;
    leaves += leafCount[loc];
    if (/unlock$/i.test(profile.strings[profile.functionName[fn]])) unlockLeaves += leafCount[loc];
  }
  return leaves > 0 && unlockLeaves * 2 >= leaves;
}
