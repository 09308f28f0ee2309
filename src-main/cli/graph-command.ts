// gpw graph: the call graph of a view of profiles, as `go tool pprof -dot` builds it — as text,
// JSON (nodes, edges) or DOT for Graphviz.

import { GpwError } from '../api/errors.js';
import { DEFAULT_GRAPH_OPTIONS } from '../analysis/graph/call-graph.js';
import { formatGraphDot, formatGraphText } from '../analysis/graph/graph-text.js';
import type { Engine } from '../engine.js';
import { flag, integerFlag, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';
import { VIEW_FLAGS, viewFlagOptions } from './top-command.js';

export const GRAPH_USAGE = `  gpw graph ID|FILE [--sample-index NAME] [the view flags of gpw top]
          [--nodecount N] [--nodefraction F] [--edgefraction F] [--json | --dot]`;

export const GRAPH_FLAGS: Record<string, FlagSpec> = { ...VIEW_FLAGS, ...valueFlags('nodecount', 'nodefraction', 'edgefraction'), ...switchFlags('dot') };

function fractionFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(v) || !(n >= 0 && n <= 1)) throw new GpwError('invalid_argument', `--${name} must be a fraction between 0 and 1, not "${v}"`);
  return n;
}

export async function graphCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length !== 1 || !args.positional[0]) throw new GpwError('invalid_argument', 'gpw graph needs exactly one ID or FILE');
  if (json && args.flags.has('dot')) throw new GpwError('invalid_argument', 'gpw graph takes --json or --dot, not both');
  const view = viewFlagOptions(args);
  const fractions = {
    nodefraction: fractionFlag(args, 'nodefraction', DEFAULT_GRAPH_OPTIONS.nodefraction),
    edgefraction: fractionFlag(args, 'edgefraction', DEFAULT_GRAPH_OPTIONS.edgefraction),
  };
  const graph = await engine.graph.graph(engine.cliView(args.positional[0], view), {
    sampleType: view.sampleType,
    nodecount: integerFlag(args, 'nodecount', DEFAULT_GRAPH_OPTIONS.nodecount),
    ...fractions,
  });
  for (const w of graph.warnings) process.stderr.write(`${w}\n`);
  if (json) return JSON.stringify(graph) + '\n';
  return args.flags.has('dot') ? formatGraphDot(graph, fractions) : formatGraphText(graph, fractions);
}
