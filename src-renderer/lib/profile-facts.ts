// The facts pprof prints above a report (time, duration, total), for the profile header. For a
// merge, the facts of the merged profile as pprof's merge makes it: the earliest time, the
// durations and totals added up.

import { profileSummaryOf, type Artifact, type ProfileSummary } from '../../src-main/api/types';
import { formatValue } from '../../src-main/analysis/units';

export function profileFacts(artifact: Artifact, mergedWith: Artifact[] = []): string[] {
  const first = profileSummaryOf(artifact);
  if (!first) return [];
  const all = [first, ...mergedWith.map(profileSummaryOf).filter((s): s is ProfileSummary => s !== null)];
  const sum = (f: (s: ProfileSummary) => number): number => all.reduce((t, s) => t + f(s), 0);
  const facts: string[] = [];
  if (all.length > 1) facts.push(`${all.length} profiles merged`);
  const times = all.map((s) => s.capturedAt).filter((t): t is number => t !== null);
  if (times.length) facts.push(`Time: ${new Date(Math.min(...times)).toLocaleString()}`);
  const durationNs = sum((s) => s.durationNs);
  if (durationNs > 0) facts.push(`Duration: ${formatValue(durationNs, 'nanoseconds')}`);
  const cpuKey = 'cpu/nanoseconds';
  if (first.totals[cpuKey] !== undefined) {
    const cpu = sum((s) => s.totals[cpuKey] ?? 0);
    const share = durationNs > 0 ? ` (${((cpu / durationNs) * 100).toFixed(2)}% of one CPU)` : '';
    facts.push(`Total samples = ${formatValue(cpu, 'nanoseconds')}${share}`);
  } else {
    const key = first.sampleTypes.find((t) => t.startsWith(`${first.defaultSampleType}/`));
    if (key) facts.push(`Total ${first.defaultSampleType} = ${formatValue(sum((s) => s.totals[key] ?? 0), key.slice(key.indexOf('/') + 1))}`);
  }
  facts.push(`${sum((s) => s.sampleCount)} sample records${all.length > 1 ? ' in all' : ''}`);
  if (first.labelKeys.length) facts.push(`sample labels: ${first.labelKeys.join(', ')}`);
  if (artifact.run && all.length === 1) facts.push(`run: ${artifact.run}`);
  return facts;
}
