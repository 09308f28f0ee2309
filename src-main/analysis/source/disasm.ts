// pprof's -disasm: a profile's figures per instruction address (pprof's address granularity
// without inlined frames: one node per location address, named by its outermost function),
// and the per-instruction annotation of a function's disassembly with them: each instruction
// takes the samples from its address up to the next instruction's, as pprof does.

import type { ProfileView } from '../profile-view.js';

export interface AddressFigures {
  sampleType: string;
  unit: string;
  total: number;
  /** Ascending sampled addresses, with their flat, cum and outermost function name. */
  addresses: number[];
  flat: number[];
  cum: number[];
  names: string[];
  /** Build IDs of the profile's mappings, by mapping file. */
  mappings: { file: string; buildId: string; start: number; limit: number }[];
}

export function addressFigures(view: ProfileView, typeIndex: number): AddressFigures {
  const p = view.profile;
  const nTypes = p.sampleTypes.length;
  const index = new Map<number, number>();
  const flat: number[] = [];
  const cum: number[] = [];
  const names: string[] = [];
  const addrs: number[] = [];
  const lastSample: number[] = [];
  const nodeOf = (loc: number): number => {
    const a = p.locAddress[loc];
    let i = index.get(a);
    if (i === undefined) {
      i = addrs.length;
      index.set(a, i);
      addrs.push(a);
      flat.push(0);
      cum.push(0);
      lastSample.push(-1);
      const last = p.locLineStart[loc + 1] - 1;
      const fn = last >= p.locLineStart[loc] ? p.lineFunction[last] : -1;
      names.push(fn >= 0 ? p.strings[p.functionName[fn]] : '');
    }
    return i;
  };
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * nTypes + typeIndex];
    if (v === 0) continue;
    const from = p.sampleLocStart[s];
    const to = p.sampleLocStart[s + 1];
    for (let li = from; li < to; li++) {
      const n = nodeOf(p.sampleLocs[li]);
      if (lastSample[n] !== s) {
        lastSample[n] = s;
        cum[n] += v;
      }
      if (li === from) flat[n] += v;
    }
  }
  const order = addrs.map((_, i) => i).sort((a, b) => addrs[a] - addrs[b]);
  const st = p.sampleTypes[typeIndex];
  return {
    sampleType: st.type,
    unit: st.unit,
    total: view.totals[typeIndex],
    addresses: order.map((i) => addrs[i]),
    flat: order.map((i) => flat[i]),
    cum: order.map((i) => cum[i]),
    names: order.map((i) => names[i]),
    mappings: p.mappings.map((m) => ({ file: m.file, buildId: m.buildId, start: m.memoryStart, limit: m.memoryLimit })),
  };
}

/** One instruction as the disassembler gives it. */
export interface Instruction {
  address: number;
  text: string;
  file: string;
  line: number;
}

export interface AnnotatedInstruction extends Instruction {
  flat: number;
  cum: number;
  /** The outermost function of the samples at this instruction ('' without samples). */
  function: string;
}

/** First index whose address is ≥ a (addresses ascending). */
function lowerBound(addresses: number[], a: number): number {
  let lo = 0;
  let hi = addresses.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (addresses[mid] < a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The figures of the sampled addresses in [start, end), summed per instruction as pprof sums them. */
export function annotateInstructions(insts: Instruction[], f: AddressFigures, start: number, end: number): AnnotatedInstruction[] {
  let s = lowerBound(f.addresses, start);
  const stop = lowerBound(f.addresses, end);
  return insts.map((inst, i) => {
    const next = i + 1 < insts.length ? insts[i + 1].address : Infinity;
    const out: AnnotatedInstruction = { ...inst, flat: 0, cum: 0, function: '' };
    for (; s < stop && f.addresses[s] < next; s++) {
      out.flat += f.flat[s];
      out.cum += f.cum[s];
      if (!out.function) out.function = f.names[s];
    }
    return out;
  });
}

/** Whether any sampled address lies in [start, end). */
export function hasSamples(f: AddressFigures, start: number, end: number): boolean {
  const i = lowerBound(f.addresses, start);
  return i < f.addresses.length && f.addresses[i] < end;
}
