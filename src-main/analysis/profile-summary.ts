// What the library keeps about a profile so lists and search never reparse it: which kind
// of Go profile it is, its sample types and their totals, duration and capture time.

import { sampleTypeTotal, type Profile } from '../model/profile.js';

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

export function summarizeProfile(profile: Profile): ProfileSummary {
  const totals: Record<string, number> = {};
  profile.sampleTypes.forEach((t, i) => {
    totals[`${t.type}/${t.unit}`] = sampleTypeTotal(profile, i);
  });
  const labelKeys = [...new Set(profile.labelKey)].map((k) => profile.strings[k]).sort();
  return {
    profileType: detectProfileType(profile),
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

export function detectProfileType(profile: Profile): ProfileType {
  const types = new Set(profile.sampleTypes.map((t) => t.type));
  if (types.has('cpu') || (profile.periodType?.type === 'cpu' && types.has('samples'))) return 'cpu';
  if (types.has('alloc_space') || types.has('inuse_space')) {
    return profile.defaultSampleType === 'alloc_space' ? 'allocs' : 'heap';
  }
  if (types.has('contentions') && types.has('delay')) return contentionIsMutex(profile) ? 'mutex' : 'block';
  if (types.has('goroutine')) return 'goroutine';
  if (types.has('threadcreate')) return 'threadcreate';
  return 'other';
}

// Go writes block and mutex profiles with identical sample types. A mutex profile records
// contention where the lock is released, so its leaf frames are Unlock calls.
function contentionIsMutex(profile: Profile): boolean {
  let unlockLeaves = 0;
  let leaves = 0;
  for (let s = 0; s < profile.sampleCount; s++) {
    if (profile.sampleLocStart[s] === profile.sampleLocStart[s + 1]) continue;
    const loc = profile.sampleLocs[profile.sampleLocStart[s]];
    const line = profile.locLineStart[loc];
    if (line === profile.locLineStart[loc + 1]) continue;
    const fn = profile.lineFunction[line];
    if (fn < 0) continue;
    leaves++;
    if (/unlock$/i.test(profile.strings[profile.functionName[fn]])) unlockLeaves++;
  }
  return leaves > 0 && unlockLeaves * 2 >= leaves;
}
