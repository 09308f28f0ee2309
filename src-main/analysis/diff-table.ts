// The comparison table of a diff profile (base samples negated and merged into the new ones,
// as pprof's -diff_base builds it): per function, flat and cum in the base and in the new
// profile, and the change, ordered by the size of the change.

import type { Profile } from '../model/profile.js';
import { buildFrameTable } from './frames.js';

export interface DiffRow {
  name: string;
  baseFlat: number;
  newFlat: number;
  baseCum: number;
  newCum: number;
  /** new − base: pprof -diff_base's flat and cum. */
  deltaFlat: number;
  deltaCum: number;
}

export interface DiffTable {
  sampleType: string;
  unit: string;
  baseTotal: number;
  newTotal: number;
  /** Functions whose flat or cum changed, before `limit`. */
  functionCount: number;
  rows: DiffRow[];
}

export interface DiffTableOptions {
  /** Order by |delta flat| (default) or |delta cum|. */
  sort?: 'flat' | 'cum';
  /** Rows to return; 0 for all. */
  limit?: number;
}

/** Base and new halves of every function's flat and cum: [baseFlat, newFlat, baseCum, newCum] per function. */
function splitBySign(profile: Profile, typeIndex: number, nameCount: number, frameName: Int32Array, locFrameStart: Uint32Array): { sums: Float64Array; baseTotal: number; newTotal: number } {
  const sums = new Float64Array(nameCount * 4);
  const lastSample = new Int32Array(nameCount).fill(-1);
  const nTypes = profile.sampleTypes.length;
  const { sampleLocStart, sampleLocs, values } = profile;
  let baseTotal = 0;
  let newTotal = 0;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    // A negative sample is the base's (negated); its magnitude counts on the base side.
    const half = v < 0 ? 0 : 1;
    const mag = Math.abs(v);
    if (half === 0) baseTotal += mag;
    else newTotal += mag;
    const first = sampleLocStart[s];
    if (first === sampleLocStart[s + 1]) continue;
    sums[frameName[locFrameStart[sampleLocs[first]]] * 4 + half] += mag;
    for (let li = first; li < sampleLocStart[s + 1]; li++) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc]; f < locFrameStart[loc + 1]; f++) {
        const fn = frameName[f];
        if (lastSample[fn] === s) continue;
        lastSample[fn] = s;
        sums[fn * 4 + 2 + half] += mag;
      }
    }
  }
  return { sums, baseTotal, newTotal };
}

export function buildDiffTable(profile: Profile, typeIndex: number, options: DiffTableOptions = {}): DiffTable {
  const frames = buildFrameTable(profile, { showAddresses: false });
  const { sums, baseTotal, newTotal } = splitBySign(profile, typeIndex, frames.names.length, frames.frameName, frames.locFrameStart);
  const rows: DiffRow[] = [];
  frames.names.forEach((name, i) => {
    const [baseFlat, newFlat, baseCum, newCum] = sums.subarray(i * 4, i * 4 + 4);
    // As pprof -diff_base: a function whose flat and cum did not change has no row.
    if (newFlat === baseFlat && newCum === baseCum) return;
    rows.push({ name, baseFlat, newFlat, baseCum, newCum, deltaFlat: newFlat - baseFlat, deltaCum: newCum - baseCum });
  });
  const key = options.sort === 'cum' ? (r: DiffRow) => Math.abs(r.deltaCum) : (r: DiffRow) => Math.abs(r.deltaFlat);
  const other = options.sort === 'cum' ? (r: DiffRow) => Math.abs(r.deltaFlat) : (r: DiffRow) => Math.abs(r.deltaCum);
  rows.sort((a, b) => key(b) - key(a) || other(b) - other(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const st = profile.sampleTypes[typeIndex];
  const limit = options.limit ?? 0;
  return {
    sampleType: st.type,
    unit: st.unit,
    baseTotal,
    newTotal,
    functionCount: rows.length,
    rows: limit > 0 ? rows.slice(0, limit) : rows,
  };
}

/** Change in percent of the base value; null when the base is 0 (the function is new). */
export function deltaPercent(base: number, delta: number): number | null {
  return base === 0 ? null : (delta / base) * 100;
}
