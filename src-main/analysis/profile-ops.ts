// The profile questions the engine asks of a decoded profile, by name: the one place that
// turns a sample-type name into an index and runs the analysis, used by the worker.

import type { Profile } from '../model/profile.js';
import { missingSampleType, sampleTypeIndex } from '../model/profile.js';
import { buildFlameGraph, type FlameGraph, type FlameGraphOptions } from './flame-graph.js';
import { computeTop, type TopFigures, type TopOptions, type TopReport } from './top.js';
import type { ProfileView } from './profile-view.js';
import { GpwError } from '../api/errors.js';

export function resolveSampleType(profile: Profile, requested: string | undefined): number {
  const name = requested ?? profile.defaultSampleType;
  const index = sampleTypeIndex(profile, name);
  if (index < 0) throw new GpwError('invalid_argument', missingSampleType(name, profile.sampleTypes.map((t) => t.type)));
  return index;
}

export function flameGraphOf(view: ProfileView, sampleType: string | undefined, options: FlameGraphOptions = {}): FlameGraph {
  return buildFlameGraph(view.profile, resolveSampleType(view.profile, sampleType), options);
}

/** `figures`: the view's profile's figures of every type, when kept (a sample-type switch then walks no stack for them). */
export function topOf(view: ProfileView, sampleType: string | undefined, options: TopOptions, figures?: TopFigures): TopReport {
  const t = resolveSampleType(view.profile, sampleType);
  const top = figures ? figures.top(t, options, view.totals[t]) : computeTop(view.profile, t, options, view.totals[t]);
  return view.warnings.length > 0 ? { ...top, warnings: view.warnings } : top;
}
