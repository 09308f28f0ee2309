// The call graph of one ProfileView by sample-type name, as the profile worker runs it (next to
// analysis/view-ops.ts and analysis/source/source-ops.ts).

import type { ProfileView } from '../profile-view.js';
import { resolveSampleType } from '../profile-ops.js';
import { callGraph, type CallGraph, type GraphOptions } from './call-graph.js';

export function callGraphOf(view: ProfileView, sampleType: string | undefined, options: GraphOptions): CallGraph {
  return callGraph(view, resolveSampleType(view.profile, sampleType), options);
}
