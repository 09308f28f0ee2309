// The call graph of a view (pprof's -dot), computed by the profile worker
// (analysis/graph/call-graph.ts) with pprof's defaults for what is not given.

import { GpwError } from '../api/errors.js';
import { DEFAULT_GRAPH_OPTIONS, type CallGraph, type GraphOptions } from '../analysis/graph/call-graph.js';
import type { ProfileWorkerClient } from '../workers/profile-worker-client.js';
import type { ViewRequest } from '../workers/view-request.js';

export class GraphService {
  constructor(private readonly worker: ProfileWorkerClient) {}

  async graph(view: ViewRequest, o: { sampleType?: string } & Partial<GraphOptions>): Promise<CallGraph> {
    const options: GraphOptions = {
      nodecount: o.nodecount ?? DEFAULT_GRAPH_OPTIONS.nodecount,
      nodefraction: o.nodefraction ?? DEFAULT_GRAPH_OPTIONS.nodefraction,
      edgefraction: o.edgefraction ?? DEFAULT_GRAPH_OPTIONS.edgefraction,
    };
    if (!Number.isInteger(options.nodecount) || options.nodecount < 0) throw new GpwError('invalid_argument', `nodecount must be a whole number ≥ 0, not ${options.nodecount}`);
    for (const k of ['nodefraction', 'edgefraction'] as const) {
      if (!(options[k] >= 0 && options[k] <= 1)) throw new GpwError('invalid_argument', `${k} must be between 0 and 1, not ${options[k]}`);
    }
    return this.worker.run<CallGraph>({ op: 'graph', view: view.spec, sampleType: o.sampleType, options }, view.load, view.nameOf);
  }
}
