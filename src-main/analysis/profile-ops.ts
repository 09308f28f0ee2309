// The profile questions the engine asks of a decoded profile, by name: the one place that
// turns a sample-type name into an index and runs the analysis, used by the worker.

import type { Profile } from '../model/profile.js';
import { sampleTypeIndex } from '../model/profile.js';
import { buildFlameGraph, type FlameGraph } from './flame-graph.js';
import { computeTop, type TopOptions, type TopReport } from './top.js';
import { GpwError } from '../api/errors.js';

export function resolveSampleType(profile: Profile, requested: string | undefined): number {
  const name = requested ?? profile.defaultSampleType;
  const index = sampleTypeIndex(profile, name);
  if (index < 0) {
    const known = profile.sampleTypes.map((t) => t.type).join(', ');
    throw new GpwError('invalid_argument', `sample type "${name}" is not in this profile (it has ${known})`);
  }
  return index;
}

export function flameGraphOf(profile: Profile, sampleType: string | undefined): FlameGraph {
  return buildFlameGraph(profile, resolveSampleType(profile, sampleType));
}

export function topOf(profile: Profile, sampleType: string | undefined, options: TopOptions): TopReport {
  return computeTop(profile, resolveSampleType(profile, sampleType), options);
}
