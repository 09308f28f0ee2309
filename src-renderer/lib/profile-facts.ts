// The facts pprof prints above a report (time, duration, total), for the profile header.

import { profileSummaryOf, type Artifact } from '../../src-main/api/types';
import { formatValue } from '../../src-main/analysis/units';

export function profileFacts(artifact: Artifact): string[] {
  const s = profileSummaryOf(artifact);
  if (!s) return [];
  const facts: string[] = [];
  if (s.capturedAt !== null) facts.push(`Time: ${new Date(s.capturedAt).toLocaleString()}`);
  if (s.durationNs > 0) facts.push(`Duration: ${formatValue(s.durationNs, 'nanoseconds')}`);
  const cpu = s.totals['cpu/nanoseconds'];
  if (cpu !== undefined) {
    const share = s.durationNs > 0 ? ` (${((cpu / s.durationNs) * 100).toFixed(2)}% of one CPU)` : '';
    facts.push(`Total samples = ${formatValue(cpu, 'nanoseconds')}${share}`);
  } else {
    const key = s.sampleTypes.find((t) => t.startsWith(`${s.defaultSampleType}/`));
    if (key) facts.push(`Total ${s.defaultSampleType} = ${formatValue(s.totals[key], key.slice(key.indexOf('/') + 1))}`);
  }
  facts.push(`${s.sampleCount} sample records`);
  if (s.labelKeys.length) facts.push(`sample labels: ${s.labelKeys.join(', ')}`);
  if (artifact.run) facts.push(`run: ${artifact.run}`);
  return facts;
}
