// The sandwich view of one function: who calls it (an inverted graph from the function towards
// the roots) above, what it calls (a graph from the function towards the leaves) below, and its
// flat and cum as pprof counts them (cum once per sample, at its outermost frame).

import { sampleTypeTotal, type Profile } from '../model/profile.js';
import { buildFlameGraph, type FlameGraph } from './flame-graph.js';
import { buildFrameTable } from './frames.js';

export interface Sandwich {
  name: string;
  sampleType: string;
  unit: string;
  /** The profile's total (sum of magnitudes), for percentages. */
  totalValue: number;
  /** Samples whose leaf frame is the function. */
  flat: number;
  /** Samples with the function anywhere on the stack. */
  cum: number;
  /** In a comparison (signed): flat and cum as new − base; else null. */
  flatDelta: number | null;
  cumDelta: number | null;
  /** Root → the function → its callers, outwards. */
  callers: FlameGraph;
  /** Root → the function → its callees, inwards. */
  callees: FlameGraph;
}

export function buildSandwich(profile: Profile, typeIndex: number, name: string, signed = false): Sandwich {
  const callers = buildFlameGraph(profile, typeIndex, { from: name, inverted: true, signed });
  const callees = buildFlameGraph(profile, typeIndex, { from: name, signed });
  const st = profile.sampleTypes[typeIndex];
  return {
    name,
    sampleType: st.type,
    unit: st.unit,
    totalValue: sampleTypeTotal(profile, typeIndex),
    flat: leafValue(profile, typeIndex, name, Math.abs),
    cum: callees.totalValue,
    flatDelta: signed ? leafValue(profile, typeIndex, name, (v) => v) : null,
    cumDelta: callees.delta ? callees.delta[0] : null,
    callers,
    callees,
  };
}

/** Sum of value(v) over samples whose innermost frame is named `name`. */
function leafValue(profile: Profile, typeIndex: number, name: string, value: (v: number) => number): number {
  const frames = buildFrameTable(profile, { showAddresses: true });
  const id = frames.names.indexOf(name);
  if (id < 0) return 0;
  const n = profile.sampleTypes.length;
  let sum = 0;
  for (let s = 0; s < profile.sampleCount; s++) {
    if (profile.sampleLocStart[s + 1] === profile.sampleLocStart[s]) continue;
    const loc = profile.sampleLocs[profile.sampleLocStart[s]];
    if (frames.frameName[frames.locFrameStart[loc]] === id) sum += value(profile.values[s * n + typeIndex]);
  }
  return sum;
}
