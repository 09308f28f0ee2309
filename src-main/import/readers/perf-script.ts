// `perf script` text: decoded in the profile worker into a profile (samples per process and
// thread, the event's period), kind 'perf', subtype the event(s) it sampled.

import type { ProfileSummary } from '../../analysis/profile-summary.js';
import { profileLikeReader } from './profile-like-reader.js';

const EVENT_SAMPLES = /^(.+)_samples\/count$/;

/** "cpu-clock", or "instructions, cycles" for a capture of several events. */
function eventsOf(summary: ProfileSummary): string | null {
  const several = summary.sampleTypes.map((t) => EVENT_SAMPLES.exec(t)?.[1]).filter((e): e is string => e !== undefined);
  if (several.length > 0) return several.join(', ');
  return summary.periodType ? summary.periodType.slice(0, summary.periodType.lastIndexOf('/')) : null;
}

export const perfScriptReader = profileLikeReader('perf', eventsOf);
