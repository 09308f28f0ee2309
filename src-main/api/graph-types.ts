// What the graph method answers (api/graph-contract.ts): pprof's call graph of a view.

import type { CallGraph, GraphEdge, GraphNode, GraphOptions } from '../analysis/graph/call-graph.js';

export type { CallGraph, GraphEdge, GraphNode, GraphOptions };
