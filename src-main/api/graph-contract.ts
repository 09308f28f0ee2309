// The contract's call-graph method (spread into `contract` in contract.ts): the graph
// `go tool pprof -dot` draws for a view, trimmed by pprof's node count and fractions. It takes
// the view options of every profile view; contract.ts hands them over (no import cycle).

import { finiteNumber, integer, object, optional, type Infer, type Schema, method } from './schema.js';
import type { CallGraph } from './graph-types.js';

/** `view`: contract.ts's viewOptionsFields. */
export function graphMethods<V extends Record<string, Schema<unknown>>>(view: V) {
  const graphArgs = object({
    ...view,
    /** pprof -nodecount (80); 0 for every node over the fraction. */
    nodecount: optional(integer({ min: 0, max: 100_000 })),
    /** pprof -nodefraction (0.005) and -edgefraction (0.001). */
    nodefraction: optional(finiteNumber({ min: 0, max: 1 })),
    edgefraction: optional(finiteNumber({ min: 0, max: 1 })),
  });
  return {
    /** The view's call graph: nodes with flat/cum, caller → callee edges with weights (inline, residual), as pprof -dot. */
    callGraph: method<Infer<typeof graphArgs>, CallGraph>(graphArgs),
  };
}
