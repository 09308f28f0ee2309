// The flat/cum table of `go tool pprof -top`: same node identity (function names), same
// node-fraction cut, same order, so that every number can be checked against pprof.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { PairMap } from './pair-map.js';
import { grown } from './grown.js';

export type InlineLabel = '' | 'inline' | 'partial-inline';

export interface TopRow {
  name: string;
  flat: number;
  cum: number;
  /** As pprof marks a node reached only (or partly) through inlined calls. */
  inline: InlineLabel;
}

export interface TopOptions {
  /** Rows to return; 0 for all (pprof -nodecount). */
  nodecount: number;
  /** Nodes whose cum is below this fraction of the total are dropped (pprof -nodefraction, default 0.005). */
  nodefraction: number;
  /** Order by cum instead of flat (pprof -cum). */
  cum?: boolean;
  /** Edges lighter than this fraction of the total do not count for inline labels (pprof -edgefraction, default 0.001). */
  edgefraction?: number;
}

export interface TopReport {
  sampleType: string;
  unit: string;
  /** Sum of absolute sample values: pprof's "of N total". */
  total: number;
  rows: TopRow[];
  /** Sum of flat over the rows shown: pprof's "Showing nodes accounting for N". */
  shownFlat: number;
  droppedNodes: number;
  nodeCutoff: number;
  /** Nodes left after the node-fraction cut, before --nodecount: pprof's "out of N". */
  keptNodes: number;
  /** pprof's warnings about the view's filters ("Focus expression matched no samples"). */
  warnings?: string[];
}

/** 20 rows (pprof's interactive top shows 10, -top all), nodes under 0.5 % of the total dropped. */
export const DEFAULT_TOP_OPTIONS: TopOptions = { nodecount: 20, nodefraction: 0.005 };

/**
 * Call edges between the functions a table shows, with pprof's weights and inline flags: an
 * edge is inlined only if every occurrence is, each edge counts once per sample, and frames of
 * functions not shown are stepped over (an edge then joins the shown functions around them).
 */
export class EdgeTable {
  private readonly index: PairMap;
  private inline = new Uint8Array(1024);
  private weight = new Float64Array(1024);
  private lastSample = new Int32Array(1024);
  private child = new Int32Array(1024);
  private parent = new Int32Array(1024);

  constructor(expected: number) {
    this.index = new PairMap(expected);
  }

  add(parent: number, child: number, inline: number, value: number, sample: number): void {
    const e = this.index.getOrInsert(parent, child);
    if (e === this.inline.length) this.grow();
    if (this.lastSample[e] === 0) {
      // A new edge (a seen one always has lastSample ≥ 1).
      this.inline[e] = inline;
      this.child[e] = child;
      this.parent[e] = parent;
    } else if (this.lastSample[e] === sample + 1) {
      return;
    } else if (inline === 0) {
      this.inline[e] = 0;
    }
    this.lastSample[e] = sample + 1;
    this.weight[e] += value;
  }

  /**
   * pprof's "(inline)" / "(partial-inline)" per function, from the edges into it whose weight
   * reaches the cutoff (pprof trims lighter edges before it labels).
   */
  labels(n: number, edgeCutoff: number): InlineLabel[] {
    const inlinedInto = new Uint8Array(n);
    const calledInto = new Uint8Array(n);
    for (let e = 0; e < this.index.size; e++) {
      if (Math.abs(this.weight[e]) < edgeCutoff) continue;
      if (this.inline[e]) inlinedInto[this.child[e]] = 1;
      else calledInto[this.child[e]] = 1;
    }
    return Array.from(inlinedInto, (inl, i) => (inl ? (calledInto[i] ? 'partial-inline' : 'inline') : ''));
  }

  /** Every edge: caller, callee, weight (once per sample), and whether every occurrence was inlined. */
  *each(): Generator<{ parent: number; child: number; weight: number; inline: boolean }> {
    for (let e = 0; e < this.index.size; e++) yield { parent: this.parent[e], child: this.child[e], weight: this.weight[e], inline: this.inline[e] === 1 };
  }

  private grow(): void {
    const cap = this.inline.length * 2;
    this.inline = grown(this.inline, cap);
    this.weight = grown(this.weight, cap);
    this.lastSample = grown(this.lastSample, cap);
    this.child = grown(this.child, cap);
    this.parent = grown(this.parent, cap);
  }

}

export interface Accumulated {
  flat: Float64Array;
  cum: Float64Array;
  total: number;
}

/** Per location: its one frame's name, or -1 when the location has inlined frames (several). */
export function singleFrameNames(frames: FrameTable): Int32Array {
  const { locFrameStart, frameName } = frames;
  const out = new Int32Array(locFrameStart.length - 1);
  for (let l = 0; l < out.length; l++) out[l] = locFrameStart[l + 1] - locFrameStart[l] === 1 ? frameName[locFrameStart[l]] : -1;
  return out;
}

/**
 * flat to each sample's leaf function, cum once per function per sample, for several sample
 * types in one walk of the stacks. Samples are added one at a time, from a profile's columns or
 * straight from a pprof file (formats/pprof: scanPprof). The figures are kept function by
 * function (`stride` per function, one per type), so a function first met in a sample gets
 * every type's value at once; up to four types take a path of their own (a million deep stacks
 * of an allocs profile: a fifth less time for the whole scan than a row per type).
 */
export class Accumulator {
  /** Function f's figure of the k-th type is at [f * stride + k]. */
  readonly flat: Float64Array;
  readonly cum: Float64Array;
  readonly totals: Float64Array;
  /** 4 for up to four types (the unused places stay 0), else the number of types. */
  readonly stride: number;
  private readonly seenInSample: Int32Array;
  private readonly single: Int32Array;
  private readonly nTypes: number;
  private readonly nNames: number;
  /** The values of the sample being added, one per type (the generic path). */
  private readonly v: Float64Array;
  /**
   * Per location, bits to OR together over each sample's locations as it is added (`bits`:
   * the last sample's), or null; the import's scan marks samples so (analysis/profile-scan.ts).
   */
  locBits: Int32Array | null = null;
  bits = 0;
  /** Per node of a trie's PrefixNames (addBelow), the values of the samples added at it, every type (stride 4); null until the first. */
  private prefixSums: Float64Array | null = null;
  /**
   * The frame table's columns, held here: add() then reads only this object's fields. (Read
   * through the table, V8 at times threw away add()'s optimised code when another table was
   * made, "code dependencies", and did not optimise it again: a whole walk three times slower.)
   */
  private readonly locFrameStart: Uint32Array;
  private readonly frameName: Int32Array;

  /** `types`: the sample type indices to add up, in the order they come in each sample's values. */
  constructor(
    frames: FrameTable,
    readonly types: number[],
    single: Int32Array = singleFrameNames(frames),
  ) {
    const n = frames.names.length;
    this.locFrameStart = frames.locFrameStart;
    this.frameName = frames.frameName;
    this.nNames = n;
    this.nTypes = types.length;
    this.stride = this.nTypes <= 4 ? 4 : this.nTypes;
    this.flat = new Float64Array(n * this.stride);
    this.cum = new Float64Array(n * this.stride);
    this.totals = new Float64Array(this.nTypes);
    this.v = new Float64Array(this.stride);
    this.seenInSample = new Int32Array(n).fill(-1);
    this.single = single;
  }

  /**
   * A sample's values of the four types (at most) into `v` (0 for those missing), their sizes added
   * to the totals, as add() takes them; false when all are zero (the sample adds nothing more).
   */
  private takeValues(values: Float64Array, vbase: number): boolean {
    const { types, nTypes, totals, v } = this;
    for (let k = 0; k < 4; k++) {
      v[k] = k < nTypes ? values[vbase + types[k]] : 0;
      if (v[k] !== 0) totals[k] += Math.abs(v[k]);
    }
    this.bits = 0;
    return v[0] !== 0 || v[1] !== 0 || v[2] !== 0 || v[3] !== 0;
  }

  /** Sample `s` (a number no other sample added has: its index): locations locs[start..end), leaf first; its values values[vbase + types[k]]. */
  add(s: number, locs: Uint32Array, start: number, end: number, values: Float64Array, vbase: number): void {
    this.addSamples(s, s + 1, locs, null, start, end, values, vbase, 0);
  }

  /**
   * Samples from..to-1, sample s's locations locs[starts[s]..starts[s+1]) and its values
   * values[s * nValues + types[k]] (a profile's columns); or, `starts` null, the one sample `from`
   * with add()'s arguments. The loop and the sample's walk are one function, so that a whole
   * profile's walk is optimised as one loop whatever V8 made of a per-sample method: in some app
   * imports it left add() in baseline code, called 1.6 million times from an optimised loop, and
   * the import's figures took three times as long.
   */
  private addSamples(from: number, to: number, locs: Uint32Array, starts: Uint32Array | null, start: number, end: number, values: Float64Array, vbase: number, nValues: number): void {
    if (this.stride !== 4) {
      for (let s = from; s < to; s++) {
        if (starts === null) this.addAny(s, locs, start, end, values, vbase);
        else this.addAny(s, locs, starts[s], starts[s + 1], values, s * nValues);
      }
      return;
    }
    const { types, nTypes, flat, cum, totals, seenInSample, single, locFrameStart, frameName, locBits } = this;
    const t1 = nTypes > 1 ? types[1] : -1;
    const t2 = nTypes > 2 ? types[2] : -1;
    const t3 = nTypes > 3 ? types[3] : -1;
    // The last sample's bits (`this.bits`: one sample's, for add()), set once after the loop.
    let bits = 0;
    for (let s = from; s < to; s++) {
      const a = starts === null ? start : starts[s];
      const b = starts === null ? end : starts[s + 1];
      const vb = starts === null ? vbase : s * nValues;
      const v0 = values[vb + types[0]];
      const v1 = t1 >= 0 ? values[vb + t1] : 0;
      const v2 = t2 >= 0 ? values[vb + t2] : 0;
      const v3 = t3 >= 0 ? values[vb + t3] : 0;
      if (v0 !== 0) totals[0] += Math.abs(v0);
      if (v1 !== 0) totals[1] += Math.abs(v1);
      if (v2 !== 0) totals[2] += Math.abs(v2);
      if (v3 !== 0) totals[3] += Math.abs(v3);
      bits = 0;
      if ((v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) || b <= a) continue;
      // Each of the sample's functions once, every type's value added where it is first met.
      // The four adds are written out here, not addFour's call: with the call, the bench profile's
      // figures took ~300 ms against ~265 (10 of 11 interleaved standalone runs slower, stop 25).
      for (let li = a; li < b; li++) {
        const loc = locs[li];
        if (locBits !== null) bits |= locBits[loc];
        const one = single[loc];
        if (one >= 0) {
          if (seenInSample[one] !== s) {
            seenInSample[one] = s;
            const at = one << 2;
            cum[at] += v0;
            cum[at + 1] += v1;
            cum[at + 2] += v2;
            cum[at + 3] += v3;
          }
          continue;
        }
        for (let f = locFrameStart[loc]; f < locFrameStart[loc + 1]; f++) {
          const node = frameName[f];
          if (seenInSample[node] !== s) {
            seenInSample[node] = s;
            const at = node << 2;
            cum[at] += v0;
            cum[at + 1] += v1;
            cum[at + 2] += v2;
            cum[at + 3] += v3;
          }
        }
      }
      // The leaf: the innermost frame of the first location.
      const leaf = frameName[locFrameStart[locs[a]]] << 2;
      flat[leaf] += v0;
      flat[leaf + 1] += v1;
      flat[leaf + 2] += v2;
      flat[leaf + 3] += v3;
    }
    this.bits = bits;
  }

  /**
   * add() for a sample whose stack's outer part is the path of a trie's `node` (`prefix`: see
   * PrefixNames) and whose locations locs[start..below) are the rest (none when it ends at the
   * node): only those are walked, the names of the path not again; the path's names get the
   * sample's values once per node, when the walk is over (addPrefixes). Four types at most (else add()).
   */
  addBelow(s: number, locs: Uint32Array, start: number, below: number, end: number, values: Float64Array, vbase: number, node: number, prefix: PrefixNames): void {
    if (this.stride !== 4 || this.locBits !== null) {
      this.add(s, locs, start, end, values, vbase);
      return;
    }
    if (!this.takeValues(values, vbase) || end <= start) return;
    const { flat, cum, seenInSample, v } = this;
    const { locFrameStart, frameName } = this;
    const v0 = v[0];
    const v1 = v[1];
    const v2 = v[2];
    const v3 = v[3];
    const sums = (this.prefixSums ??= new Float64Array(4 * prefix.name.length));
    addFour(sums, node << 2, v0, v1, v2, v3);
    const { onPath, words } = prefix;
    const path = node * words;
    for (let li = start; li < below; li++) {
      const loc = locs[li];
      for (let f = locFrameStart[loc]; f < locFrameStart[loc + 1]; f++) {
        const name = frameName[f];
        if (seenInSample[name] === s || (onPath[path + (name >>> 5)] & (1 << (name & 31))) !== 0) continue;
        seenInSample[name] = s;
        addFour(cum, name << 2, v0, v1, v2, v3);
      }
    }
    // The leaf: the node's own name when the stack ends there, else the innermost frame of the first location.
    addFour(flat, (below > start ? frameName[locFrameStart[locs[start]]] : prefix.name[node]) << 2, v0, v1, v2, v3);
  }

  /** The samples addBelow added at each node, added to the names of its path (each name once). */
  addPrefixes(prefix: PrefixNames): void {
    const sums = this.prefixSums;
    if (sums === null) return;
    this.prefixSums = null;
    const { cum } = this;
    const { parent, name } = prefix;
    const stamp = new Int32Array(this.nNames).fill(-1);
    for (let x = 1; x < name.length; x++) {
      const at = x << 2;
      if (sums[at] === 0 && sums[at + 1] === 0 && sums[at + 2] === 0 && sums[at + 3] === 0) continue;
      for (let a = x; a > 0; a = parent[a]) {
        const n = name[a];
        if (stamp[n] === x) continue;
        stamp[n] = x;
        addFour(cum, n << 2, sums[at], sums[at + 1], sums[at + 2], sums[at + 3]);
      }
    }
  }

  /** add() for more than four types. */
  private addAny(s: number, locs: Uint32Array, start: number, end: number, values: Float64Array, vbase: number): void {
    const { types, nTypes, flat, cum, totals, seenInSample, locFrameStart, frameName, v } = this;
    let any = false;
    for (let k = 0; k < nTypes; k++) {
      v[k] = values[vbase + types[k]];
      if (v[k] !== 0) {
        any = true;
        totals[k] += Math.abs(v[k]);
      }
    }
    this.bits = 0;
    if (!any || end <= start) return;
    const locBits = this.locBits;
    let bits = 0;
    for (let li = start; li < end; li++) {
      const loc = locs[li];
      if (locBits !== null) bits |= locBits[loc];
      for (let f = locFrameStart[loc]; f < locFrameStart[loc + 1]; f++) {
        const node = frameName[f];
        if (seenInSample[node] === s) continue;
        seenInSample[node] = s;
        for (let k = 0, at = node * nTypes; k < nTypes; k++) cum[at + k] += v[k];
      }
    }
    this.bits = bits;
    const leaf = frameName[locFrameStart[locs[start]]] * nTypes;
    for (let k = 0; k < nTypes; k++) flat[leaf + k] += v[k];
  }

  /** Figures another accumulator of the same frames and types added up (a part of the samples). */
  addFigures(part: { flat: Float64Array; cum: Float64Array; totals: Float64Array }): void {
    for (let i = 0; i < this.flat.length; i++) {
      this.flat[i] += part.flat[i];
      this.cum[i] += part.cum[i];
    }
    for (let k = 0; k < this.nTypes; k++) this.totals[k] += part.totals[k];
  }

  /** Every sample of a profile's columns. */
  addProfile(profile: Profile): this {
    const nValues = profile.sampleTypes.length;
    const { sampleLocStart, sampleLocs, values } = profile;
    this.addSamples(0, profile.sampleCount, sampleLocs, sampleLocStart, 0, 0, values, 0, nValues);
    return this;
  }

  /** The figures of the k-th type added, one per function. */
  of(k: number): Accumulated {
    const n = this.nNames;
    const flat = new Float64Array(n);
    const cum = new Float64Array(n);
    for (let f = 0, at = k; f < n; f++, at += this.stride) {
      flat[f] = this.flat[at];
      cum[f] = this.cum[at];
    }
    return { flat, cum, total: this.totals[k] };
  }
}

/** Four values added to column[at..at+4) (an Accumulator's four types). */
function addFour(column: Float64Array, at: number, v0: number, v1: number, v2: number, v3: number): void {
  column[at] += v0;
  column[at + 1] += v1;
  column[at + 2] += v2;
  column[at + 3] += v3;
}

/**
 * A trie's nodes named as an Accumulator's frames name them, for adding samples whose stacks'
 * outer parts are the paths of its nodes (Accumulator.addBelow): each node's parent and name, and
 * per node `words` 32-bit words whose bit n is set when name n is on its path from the root.
 */
export interface PrefixNames {
  parent: Int32Array;
  name: Int32Array;
  words: number;
  onPath: Uint32Array;
}

/** flat and cum of one sample type (also the per-line figures of gpw source and the function figures of runs). */
export function accumulate(profile: Profile, frames: FrameTable, typeIndex: number, single: Int32Array = singleFrameNames(frames)): Accumulated {
  return new Accumulator(frames, [typeIndex], single).addProfile(profile).of(0);
}

/**
 * The edges between shown functions (shown[i] === 1), stepping over the others, one sample at
 * a time (see edgesBetween).
 */
export class EdgeWalk {
  readonly edges: EdgeTable;
  private readonly locShown: Uint8Array;
  /** The functions whose incoming edges are kept (1): every shown one, or with `labelsOnly` the shown ones inlined somewhere. */
  private readonly into: Uint8Array;
  /** With `labelsOnly`: per location, 1 when it holds such a function (a sample without one adds no edge and is not walked); else null. */
  private readonly locInto: Uint8Array | null = null;
  /** The frame table's columns, held here as Accumulator holds them (add() is called once per sample). */
  private readonly locFrameStart: Uint32Array;
  private readonly frameName: Int32Array;
  private readonly frameInline: Uint8Array;

  /**
   * `labelsOnly`: only the edges into shown functions that appear as an inlined frame somewhere
   * (the only ones an inline label depends on: see EdgeTable.labels); the others are not kept.
   */
  constructor(
    frames: FrameTable,
    private readonly shown: Uint8Array,
    labelsOnly = false,
  ) {
    this.edges = new EdgeTable(frames.names.length * 4);
    const { locFrameStart, frameName } = frames;
    this.locFrameStart = locFrameStart;
    this.frameName = frameName;
    this.frameInline = frames.frameInline;
    this.into = shown;
    if (labelsOnly) {
      const into = (this.into = inlinedNames(frames));
      for (let i = 0; i < into.length; i++) if (!shown[i]) into[i] = 0;
      this.locInto = new Uint8Array(locFrameStart.length - 1);
      for (let l = 0; l < this.locInto.length; l++) {
        for (let f = locFrameStart[l]; f < locFrameStart[l + 1]; f++) if (into[frameName[f]]) this.locInto[l] = 1;
      }
    }
    // A table shows few functions: locations without any of them are stepped over at once.
    this.locShown = new Uint8Array(locFrameStart.length - 1);
    for (let l = 0; l < this.locShown.length; l++) {
      for (let f = locFrameStart[l]; f < locFrameStart[l + 1]; f++) if (shown[frameName[f]]) this.locShown[l] = 1;
    }
  }

  /** Sample `s` with value v and locations locs[start..end), leaf first. */
  add(s: number, locs: Uint32Array, start: number, end: number, v: number): void {
    if (v === 0) return;
    const { locFrameStart, frameName, frameInline, locShown, shown, into, edges, locInto } = this;
    if (locInto && !anyMarked(locInto, locs, start, end)) return;
    let parent = -1;
    for (let li = end - 1; li >= start; li--) {
      const loc = locs[li];
      if (locShown[loc] === 0) continue;
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        if (!shown[node]) continue;
        if (parent !== -1 && parent !== node && into[node]) edges.add(parent, node, frameInline[f], v, s);
        parent = node;
      }
    }
  }
}

/** Whether any of locs[start..end) is marked. */
function anyMarked(marked: Uint8Array, locs: Uint32Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (marked[locs[i]] !== 0) return true;
  return false;
}

/** The edges between shown functions (shown[i] === 1), stepping over the others (also gpw peek's edges); `labelsOnly`: see EdgeWalk. */
export function edgesBetween(profile: Profile, frames: FrameTable, typeIndex: number, shown: Uint8Array, labelsOnly = false): EdgeTable {
  const nTypes = profile.sampleTypes.length;
  const walk = new EdgeWalk(frames, shown, labelsOnly);
  const { sampleLocStart, sampleLocs, values } = profile;
  for (let s = 0; s < profile.sampleCount; s++) walk.add(s, sampleLocs, sampleLocStart[s], sampleLocStart[s + 1], values[s * nTypes + typeIndex]);
  return walk.edges;
}

/**
 * `reportTotal` is pprof's total when it is not the profile's own (a filtered or diffed view:
 * see analysis/profile-view.ts); percentages and "of N total" use it.
 */
export function computeTop(profile: Profile, typeIndex: number, options: TopOptions = DEFAULT_TOP_OPTIONS, reportTotal?: number): TopReport {
  const frames = buildFrameTable(profile, { showAddresses: false });
  return topOfFigures(frames, profile.sampleTypes[typeIndex], accumulate(profile, frames, typeIndex), options, reportTotal, (shown) => edgesBetween(profile, frames, typeIndex, shown, true));
}

/**
 * Every sample type's per-function figures of one profile, added up in one walk of its stacks
 * (the same sums as `accumulate`), so that a top table of another type costs only its order and
 * inline labels: kept by the worker with the profile (an import's function figures are these).
 */
export class TopFigures {
  readonly frames: FrameTable;
  readonly figures: Accumulator;

  /**
   * `made`: this profile's figures added up already, of every sample type in order, over frames
   * named as here (a chip's, made in the walk that chose its samples: name-filters.ts markedSamples).
   */
  constructor(
    readonly profile: Profile,
    made?: { frames: FrameTable; figures: Accumulator },
  ) {
    this.frames = made?.frames ?? buildFrameTable(profile, { showAddresses: false });
    this.figures = made?.figures ?? new Accumulator(this.frames, profile.sampleTypes.map((_, t) => t)).addProfile(profile);
  }

  /** computeTop's table of one type. */
  top(typeIndex: number, options: TopOptions = DEFAULT_TOP_OPTIONS, reportTotal?: number): TopReport {
    const { profile, frames } = this;
    return topOfFigures(frames, profile.sampleTypes[typeIndex], this.figures.of(typeIndex), options, reportTotal, (shown) => this.edgesOf(typeIndex, options, shown));
  }

  /** Every type's edges of the tables of some options (the last two), made by one walk of the stacks at a type's first table. */
  private readonly edges = new Map<string, (EdgeTable | null)[]>();

  /**
   * The edges the table of this type and options labels from: at its first table, the tables
   * of every type with these options get theirs in the same walk, so a sample-type switch then
   * walks no stack.
   */
  private edgesOf(typeIndex: number, options: TopOptions, shown: Uint8Array): EdgeTable {
    const key = JSON.stringify([options.nodecount, options.nodefraction, options.cum === true, options.edgefraction ?? null]);
    let every = this.edges.get(key);
    if (!every?.[typeIndex]) {
      const { profile, frames } = this;
      // Each type's shown functions, as its table picks them (none where no shown one is inlined anywhere: no walk).
      const masks = profile.sampleTypes.map((st, t): Uint8Array | null => {
        if (t === typeIndex) return shown;
        let mask: Uint8Array | null = null;
        topOfFigures(frames, st, this.figures.of(t), options, undefined, (m) => ((mask = m), new EdgeTable(1)));
        return mask;
      });
      every = edgesOfEveryType(profile, frames, masks);
      this.edges.delete(key);
      this.edges.set(key, every);
      while (this.edges.size > 2) this.edges.delete(this.edges.keys().next().value as string);
    }
    return every[typeIndex]!;
  }
}

/**
 * For each type t with shown[t], the edges into its shown functions inlined somewhere (EdgeWalk's
 * labelsOnly) with that type's values, in one walk of the stacks for all of them: a location
 * holding no shown function of any type is stepped over at once.
 */
export function edgesOfEveryType(profile: Profile, frames: FrameTable, shown: (Uint8Array | null)[]): (EdgeTable | null)[] {
  const nTypes = profile.sampleTypes.length;
  if (nTypes > 31) return shown.map((m, t) => (m ? edgesBetween(profile, frames, t, m, true) : null));
  const { locFrameStart, frameName, frameInline } = frames;
  const nNames = frames.names.length;
  // Per function: the types showing it; the types showing it where it is inlined somewhere.
  const nameBits = new Int32Array(nNames);
  const intoBits = new Int32Array(nNames);
  const inlinedSomewhere = inlinedNames(frames);
  shown.forEach((m, t) => {
    if (!m) return;
    for (let i = 0; i < nNames; i++) {
      if (!m[i]) continue;
      nameBits[i] |= 1 << t;
      if (inlinedSomewhere[i]) intoBits[i] |= 1 << t;
    }
  });
  // Per location: the types showing a function there, and those with an edge target there (a
  // sample without one adds no edge in that type: most samples are skipped after a quick look).
  const locBits = new Int32Array(locFrameStart.length - 1);
  const locInto = new Int32Array(locFrameStart.length - 1);
  for (let l = 0; l < locBits.length; l++) {
    for (let f = locFrameStart[l]; f < locFrameStart[l + 1]; f++) {
      locBits[l] |= nameBits[frameName[f]];
      locInto[l] |= intoBits[frameName[f]];
    }
  }
  const edges = shown.map((m) => (m ? new EdgeTable(nNames * 4) : null));
  const parent = new Int32Array(nTypes);
  const { sampleLocStart, sampleLocs, values } = profile;
  for (let s = 0; s < profile.sampleCount; s++) {
    // The types this sample counts in (EdgeWalk skips a sample whose value is 0).
    let active = 0;
    for (let t = 0; t < nTypes; t++) if (values[s * nTypes + t] !== 0) active |= 1 << t;
    if (active === 0) continue;
    let targets = 0;
    for (let li = sampleLocStart[s]; li < sampleLocStart[s + 1]; li++) targets |= locInto[sampleLocs[li]];
    active &= targets;
    if (active === 0) continue;
    parent.fill(-1);
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      if ((locBits[loc] & active) === 0) continue;
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        const bits = nameBits[node] & active;
        if (bits === 0) continue;
        const into = intoBits[node];
        for (let t = 0; t < nTypes; t++) {
          if ((bits & (1 << t)) === 0) continue;
          const p = parent[t];
          if (p !== -1 && p !== node && (into & (1 << t)) !== 0) edges[t]!.add(p, node, frameInline[f], values[s * nTypes + t], s);
          parent[t] = node;
        }
      }
    }
  }
  return edges;
}

/** Per function, 1 when it appears as an inlined frame somewhere. */
function inlinedNames(frames: FrameTable): Uint8Array {
  const { frameName, frameInline } = frames;
  const out = new Uint8Array(frames.names.length);
  for (let f = 0; f < frameName.length; f++) if (frameInline[f]) out[frameName[f]] = 1;
  return out;
}

/** Whether any of the shown functions (shown[i] === 1) appears as an inlined frame. */
function anyInlined(frames: FrameTable, shown: Uint8Array): boolean {
  const { frameName, frameInline } = frames;
  for (let f = 0; f < frameName.length; f++) if (frameInline[f] && shown[frameName[f]]) return true;
  return false;
}

/**
 * The table from per-function figures: pprof's node-fraction cut, order and --nodecount, and
 * the inline labels of the shown functions from `edgesOf` (their call edges, in the same type).
 */
export function topOfFigures(
  frames: FrameTable,
  st: { type: string; unit: string },
  figures: Accumulated,
  options: TopOptions,
  reportTotal: number | undefined,
  edgesOf: (shown: Uint8Array) => EdgeTable,
): TopReport {
  const n = frames.names.length;
  const { flat, cum, total: ownTotal } = figures;
  const total = reportTotal ?? ownTotal;

  let flatSum = 0;
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    if (flat[i] === 0 && cum[i] === 0) continue;
    present.push(i);
    flatSum += flat[i];
  }
  const nodeCutoff = Math.abs(Math.trunc(flatSum * options.nodefraction));
  const kept = present.filter((i) => Math.abs(cum[i]) >= nodeCutoff);
  const names = frames.names;
  // pprof's orders: by |flat| (or |cum| with -cum), then name, then the other value.
  const [first, second] = options.cum ? [cum, flat] : [flat, cum];
  kept.sort((a, b) => {
    const fa = Math.abs(first[a]);
    const fb = Math.abs(first[b]);
    if (fa !== fb) return fb - fa;
    if (names[a] !== names[b]) return names[a] < names[b] ? -1 : 1;
    return Math.abs(second[b]) - Math.abs(second[a]);
  });
  const shown = options.nodecount > 0 ? kept.slice(0, options.nodecount) : kept;
  // Labels come from the graph pprof reports: only the shown functions, edges lighter than
  // -edgefraction of the total (0.1 % by default) trimmed.
  const shownMask = new Uint8Array(n);
  for (const i of shown) shownMask[i] = 1;
  const edgeCutoff = Math.abs(Math.trunc(flatSum * (options.edgefraction ?? 0.001)));
  // pprof rebuilds its graph from the functions it keeps only when the node cut or the node count
  // dropped one (report.go newTrimmedGraph). Otherwise it labels from its whole graph, whose edges
  // still come from the functions it does not list, those whose flat and cum are both 0 (a diff's
  // callers that net to nothing: graph.go selectNodesForGraph): then every function is an edge's end.
  const rebuilt = (nodeCutoff > 0 && kept.length < present.length) || (options.nodecount > 0 && kept.length > options.nodecount);
  const edgeMask = rebuilt ? shownMask : new Uint8Array(n).fill(1);
  // Only a function seen as an inlined frame can be labelled: without one, no walk is needed.
  const inline = anyInlined(frames, shownMask) ? edgesOf(edgeMask).labels(n, edgeCutoff) : new Array<InlineLabel>(n).fill('');
  const rows: TopRow[] = shown.map((i) => ({ name: names[i], flat: flat[i], cum: cum[i], inline: inline[i] }));
  return {
    sampleType: st.type,
    unit: st.unit,
    total,
    rows,
    shownFlat: rows.reduce((sum, r) => sum + r.flat, 0),
    droppedNodes: present.length - kept.length,
    nodeCutoff,
    keptNodes: kept.length,
  };
}
