// Expands a profile's locations into call frames (inlined functions become frames of their
// own) and interns frame names, the way pprof's "functions" granularity sees a stack.

import type { Profile } from '../model/profile.js';

export interface FrameTable {
  /** Interned frame names. */
  names: string[];
  /** Frames of location i are frame*[locFrameStart[i]..locFrameStart[i+1]), innermost first. */
  locFrameStart: Uint32Array;
  frameName: Int32Array;
  /** 1 when the frame was inlined into the next (outer) frame of the same location. */
  frameInline: Uint8Array;
}

export interface FrameNaming {
  /** Name frames without symbols by their address (flame graphs) instead of only their binary (pprof -top). */
  showAddresses: boolean;
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

export function buildFrameTable(profile: Profile, naming: FrameNaming): FrameTable {
  const nameIds = new Map<string, number>();
  const names: string[] = [];
  const intern = (name: string): number => {
    let id = nameIds.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      nameIds.set(name, id);
    }
    return id;
  };

  // Function index → frame name id, computed once per function.
  const fnNameId = new Int32Array(profile.functionName.length);
  // pprof -files: functions of one file are separate nodes of the same name.
  const apart = profile.functionsAreNodes === true;
  for (let f = 0; f < fnNameId.length; f++) {
    // pprof names nodes by Name only; a function without one is shown by its binary.
    const name = profile.strings[profile.functionName[f]];
    if (name && apart) {
      fnNameId[f] = names.length;
      names.push(name);
    } else fnNameId[f] = name ? intern(name) : -1;
  }

  const nLoc = profile.locAddress.length;
  const locFrameStart = new Uint32Array(nLoc + 1);
  let count = 0;
  for (let l = 0; l < nLoc; l++) count += Math.max(1, profile.locLineStart[l + 1] - profile.locLineStart[l]);
  const frameName = new Int32Array(count);
  const frameInline = new Uint8Array(count);

  let k = 0;
  for (let l = 0; l < nLoc; l++) {
    locFrameStart[l] = k;
    const from = profile.locLineStart[l];
    const to = profile.locLineStart[l + 1];
    for (let li = from; li < to; li++) {
      const fn = profile.lineFunction[li];
      const id = fn >= 0 ? fnNameId[fn] : -1;
      frameName[k] = id >= 0 ? id : intern(unsymbolizedName(profile, l, naming));
      frameInline[k] = li < to - 1 ? 1 : 0;
      k++;
    }
    if (from === to) frameName[k++] = intern(unsymbolizedName(profile, l, naming));
  }
  locFrameStart[nLoc] = k;
  return { names, locFrameStart, frameName, frameInline };
}

function unsymbolizedName(profile: Profile, loc: number, naming: FrameNaming): string {
  const m = profile.locMapping[loc];
  const file = m >= 0 ? profile.mappings[m].file : '';
  // An address names a frame only inside a binary; a location without a mapping (the runtime's
  // threadcreate records: one location at 0xffffffffffffffff) is "<unknown>", as in pprof -top.
  if (!file) return '<unknown>';
  return naming.showAddresses ? `${hexAddress(profile.locAddress[loc])} [${baseName(file)}]` : `[${baseName(file)}]`;
}

/** A uint64 address read as an int64 (two's complement when ≥ 2^63) in hex, as pprof prints it. */
export function hexAddress(address: number): string {
  return '0x' + (address < 0 ? (BigInt(address) + (1n << 64n)).toString(16) : address.toString(16));
}
